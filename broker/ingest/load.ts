import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as z from 'zod';
import { resolveFrom } from '../server/config.js';
import { loadYaml } from '../server/yaml-file.js';
import { type IngestConfig, IngestOptionsSchema } from './config.js';

/**
 * An ingest config file: either the ingest options at the top level, or a broker config whose
 * `ingest:` section is used. Paths are relative to the file; errors name the file, line and key.
 */
export function loadIngestConfig(file: string): IngestConfig {
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  const config =
    raw && typeof raw === 'object' && 'ingest' in raw
      ? (loadYaml(file, z.looseObject({ ingest: IngestOptionsSchema.extend({ enabled: z.boolean().optional() }) }))
          .ingest as IngestConfig & { enabled?: boolean })
      : loadYaml(file, IngestOptionsSchema);
  delete (config as { enabled?: boolean }).enabled;
  config.spill.path = resolveFrom(file, config.spill.path);
  config.influx.managedDir = resolveFrom(file, config.influx.managedDir);
  if (config.mqtt.passwordFile) config.mqtt.passwordFile = resolveFrom(file, config.mqtt.passwordFile);
  return config;
}
