import { existsSync, readFileSync } from 'node:fs';
import { encodeLine } from '../wire/line-protocol/encode.js';
import { nowNs, type Reading } from '../wire/reading.js';
import type { DecoderDefinition } from './driver.js';
import { loadDriver } from './registry.js';
import { parseHexCapture } from './serial/capture.js';

export interface DecodeOptions {
  mode?: string;
  device: string;
  /** The input is hex text with `#` comments (the drivers' testdata/*.hex); automatic for a .hex file. */
  hex?: boolean;
  /** Replaces identifier tags and fields before they are printed (keyed pseudonyms, as the agent does). */
  pseudonymise?: (reading: Reading) => Reading;
}

/** Bytes kept to try the other modes when every frame was refused (a capture of a few minutes). */
const KEPT_BYTES = 1 << 20;

/**
 * `tidegate decode DRIVER [FILE]`: bytes (stdin or FILE) → line protocol on stdout, each rejected frame on
 * stderr with its reason, a count at the end. Exit 1 when every frame was refused, naming the mode
 * that decodes the bytes when the driver has another.
 */
export async function decodeCommand(name: string, file: string | undefined, options: DecodeOptions): Promise<number> {
  const { decoder } = await loadDriver(name);
  if (!decoder) throw new Error(`driver "${name}" has no stream decoder`);
  if (options.mode && decoder.modes && !decoder.modes.includes(options.mode))
    throw new Error(`driver "${name}" has no mode "${options.mode}" (modes: ${decoder.modes.join(', ')})`);
  const mode = options.mode ?? modeBeside(file);
  const counts = { readings: 0, rejected: 0 };
  const stream = decoder.create(
    { mode, deviceId: options.device, now: nowNs },
    {
      reading(reading) {
        counts.readings++;
        const shown = options.pseudonymise ? options.pseudonymise(reading) : reading;
        const { identifiers: _identifiers, ...plain } = shown;
        process.stdout.write(`${encodeLine(plain)}\n`);
      },
      rejected(reason, detail) {
        counts.rejected++;
        process.stderr.write(`rejected: ${reason}${detail ? `: ${detail}` : ''}\n`);
      },
      state() {},
    },
  );
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  for await (const chunk of input(file, options.hex ?? file?.endsWith('.hex') ?? false)) {
    if (keptBytes < KEPT_BYTES) {
      kept.push(chunk);
      keptBytes += chunk.length;
    }
    stream.push(chunk);
  }
  stream.end();
  process.stderr.write(`${counts.readings} readings, ${counts.rejected} rejected\n`);
  if (counts.readings > 0 || counts.rejected === 0) return 0;
  const better = otherMode(decoder, mode, Buffer.concat(kept), options.device);
  process.stderr.write(
    better
      ? `every frame was refused in mode ${mode ?? decoder.modes?.[0]}: the bytes decode in mode ${better.mode} (${better.readings} readings): tidegate decode ${name} --mode ${better.mode}\n`
      : `every frame was refused${decoder.modes ? ` (modes: ${decoder.modes.join(', ')}; wrong baud rate or wiring?)` : ''}\n`,
  );
  return 1;
}

async function* input(file: string | undefined, hex: boolean): AsyncGenerator<Uint8Array> {
  if (hex) {
    const text = file ? readFileSync(file, 'utf8') : await readAll(process.stdin);
    yield parseHexCapture(text, file ?? '<stdin>');
    return;
  }
  if (file) {
    yield readFileSync(file);
    return;
  }
  for await (const chunk of process.stdin) yield chunk as Buffer;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The testdata convention: `<name>.mode` beside `<name>.hex` holds the decoder mode. */
function modeBeside(file: string | undefined): string | undefined {
  const modeFile = file?.replace(/\.hex$/, '.mode');
  if (!modeFile || modeFile === file || !existsSync(modeFile)) return undefined;
  return readFileSync(modeFile, 'utf8').trim() || undefined;
}

function otherMode(decoder: DecoderDefinition, tried: string | undefined, bytes: Uint8Array, deviceId: string) {
  for (const mode of decoder.modes ?? []) {
    if (mode === (tried ?? decoder.modes?.[0])) continue;
    let readings = 0;
    const stream = decoder.create(
      { mode, deviceId, now: nowNs },
      { reading: () => readings++, rejected() {}, state() {} },
    );
    stream.push(bytes);
    stream.end();
    if (readings > 0) return { mode, readings };
  }
  return undefined;
}
