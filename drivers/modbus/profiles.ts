import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import type { ModbusOptions } from './options.js';
import { type Profile, profileSchema, type RegisterDef } from './register-map-schema.js';

/** The profiles shipped with tidegate: `profile: sdm630` is profiles/sdm630.yaml. */
export const PROFILES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'profiles');

/** A profile name (letters, digits, -, _) is looked up in PROFILES_DIR; anything else is a path. */
export function profileFile(nameOrPath: string): string {
  return /^[A-Za-z0-9_-]+$/.test(nameOrPath) ? join(PROFILES_DIR, `${nameOrPath}.yaml`) : resolve(nameOrPath);
}

/** Names of the profiles in PROFILES_DIR. */
export function shippedProfiles(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Every shipped profile, loaded and checked (throws naming the file, line and key of a broken one). */
export function loadShippedProfiles(): { name: string; profile: Profile }[] {
  return shippedProfiles().map((name) => ({ name, profile: loadProfile(name) }));
}

const cache = new Map<string, Profile>();

/** Loads and checks a profile; errors name the file, line and key. */
export function loadProfile(nameOrPath: string): Profile {
  const file = profileFile(nameOrPath);
  const cached = cache.get(file);
  if (cached) return cached;
  if (!existsSync(file))
    throw new Error(`modbus profile "${nameOrPath}": no file ${file} (shipped: ${shippedProfiles().join(', ')})`);
  const profile = parseProfile(readFileSync(file, 'utf8'), file);
  cache.set(file, profile);
  return profile;
}

/** Why a profile cannot be used (missing file, invalid content), or undefined: for the options schema. */
export function profileProblem(nameOrPath: string): string | undefined {
  try {
    loadProfile(nameOrPath);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function parseProfile(source: string, file: string): Profile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = syntax.linePos?.[0];
    throw new Error(`${file}${at ? `:${at.line}:${at.col}` : ''}: ${syntax.message.split('\n')[0]}`);
  }
  const parsed = profileSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  throw new Error(describeIssues(parsed.error, file, (path) => lineOf(doc, lineCounter, path)));
}

function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** One line per problem: `file:line: key.path: message`. */
export function describeIssues(
  error: ZodError,
  file: string,
  line: (path: PropertyKey[]) => number | undefined,
): string {
  return error.issues
    .map((issue) => {
      const at = line(issue.path);
      const key = issue.path.map(String).join('.');
      return `${file}${at ? `:${at}` : ''}: ${key || '(top level)'}: ${issue.message}`;
    })
    .join('\n');
}

export interface PlanningSettings {
  maxRegistersPerRequest: number;
  maxGap: number;
  singleValueReads: boolean;
}

/** What a device reads and how: its profile's register map with the device's own additions and settings. */
export interface RegisterMap {
  measurement: string;
  tags: Record<string, string>;
  registers: RegisterDef[];
  planning: PlanningSettings;
}

/**
 * Ten registers is where reading through a gap stops paying: a gap register costs 2 bytes on the wire,
 * a further request about 20 characters (8-byte request, 5 bytes of reply overhead, two 3.5-character
 * silences) plus the slave's turnaround time.
 */
export const DEFAULT_MAX_GAP = 10;

export function resolveRegisterMap(options: ModbusOptions): RegisterMap {
  const profile = options.profile === undefined ? undefined : loadProfile(options.profile);
  const registers = [...(profile?.registers ?? []), ...(options.registers ?? [])];
  return {
    measurement: options.measurement ?? profile?.measurement ?? 'modbus',
    tags: { ...profile?.tags, ...options.tags },
    registers,
    planning: {
      maxRegistersPerRequest: options.maxRegistersPerRequest ?? profile?.maxRegistersPerRequest ?? 125,
      maxGap: options.maxGap ?? profile?.maxGap ?? DEFAULT_MAX_GAP,
      singleValueReads: options.singleValueReads ?? profile?.singleValueReads ?? false,
    },
  };
}
