import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeLines, nowNs } from '../../wire/index.js';
import { createDriverRuntime } from '../runtime.js';
import { BusScheduler } from './scheduler.js';
import { openDevice } from './tests/support.js';
import { RtuTransport } from './transport/rtu.js';
import type { ByteLink } from './transport/transport.js';

const CASES = new URL('./testdata/cases/', import.meta.url).pathname;

interface Exchange {
  request: string;
  replies: Buffer[];
}

function readExchanges(file: string): Exchange[] {
  const exchanges: Exchange[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const bytes = line.slice(1).replace(/\s+/g, '').toLowerCase();
    if (line.startsWith('>')) exchanges.push({ request: bytes, replies: [] });
    else if (line.startsWith('<')) exchanges.at(-1)!.replies.push(Buffer.from(bytes, 'hex'));
    else throw new Error(`${file}: a line starts with > or <: ${raw}`);
  }
  return exchanges;
}

/** The line: checks each request against the script and carries the scripted replies back. */
function scriptedLine(exchanges: Exchange[]): ByteLink & { unexpected: string[]; remaining: () => number } {
  const listeners: ((chunk: Buffer) => void)[] = [];
  const unexpected: string[] = [];
  let next = 0;
  return {
    name: 'script',
    unexpected,
    remaining: () => exchanges.length - next,
    async write(bytes) {
      const exchange = exchanges[next++];
      if (!exchange || exchange.request !== bytes.toString('hex')) {
        unexpected.push(`request ${next}: sent ${bytes.toString('hex')}, script has ${exchange?.request ?? 'nothing'}`);
        return;
      }
      for (const reply of exchange.replies)
        setImmediate(() => {
          for (const listener of listeners) listener(reply);
        });
    },
    onData: (listener) => listeners.push(listener),
    async close() {},
  };
}

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
    : undefined;

describe.each(readdirSync(CASES).filter((name) => existsSync(join(CASES, name, 'device.yaml'))))('case %s', (name) => {
  it('sends the scripted requests and reports the expected readings', async () => {
    const dir = join(CASES, name);
    const line = scriptedLine(readExchanges(join(dir, 'exchanges.txt')));
    const runtime = createDriverRuntime({ line: { kind: 'serial', path: '/dev/null', baudRate: 9600 } });
    runtime.shared('modbus-bus:line', () => new BusScheduler(new RtuTransport(line, 0)));
    const { handle, sink } = await openDevice(runtime, parse(readFileSync(join(dir, 'device.yaml'), 'utf8')), name);
    const before = nowNs();
    // A reading stamped with the poll time is compared at timestamp 0; one with a device's own time keeps it.
    const readings = (await handle.poll!()).map((r) => (r.time >= before ? { ...r, time: 0n } : r));
    await runtime.close();

    expect(line.unexpected).toEqual([]);
    expect(line.remaining()).toBe(0);
    const expected = decodeLines(readFileSync(join(dir, 'expected.lp'), 'utf8'));
    expect(expected.errors).toEqual([]);
    expect(readings).toEqual(expected.readings);
    expect(sink.rejections).toEqual(lines(join(dir, 'rejected.txt')) ?? []);
    expect(sink.states).toEqual(lines(join(dir, 'states.txt')) ?? ['up']);
  });

  it('names its source, or is marked as ours', () => {
    const script = readFileSync(join(CASES, name, 'exchanges.txt'), 'utf8');
    expect(/^#\s*(source|ours):/im.test(script), 'a "# source:" or "# ours:" line').toBe(true);
  });
});
