import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { unwindEmitter } from './unwind-emitter.js';

const require = createRequire(import.meta.url);
type Emitter = {
  on(topic: string, fn: (message: unknown, done: () => void) => void): void;
  emit(message: { topic: string }, done: (error?: Error) => void): void;
};
const mqemitter = require('mqemitter') as (opts: { concurrency: number }) => Emitter;

/** One slow delivery holds the bus while a long queue builds; then everything else completes at once. */
function drainAfterStall(emitter: Emitter, queued: number): Promise<number> {
  let release: () => void = () => {};
  let first = true;
  emitter.on('data', (_message, done) => {
    if (first) {
      first = false;
      release = done;
    } else done();
  });
  return new Promise((resolve, reject) => {
    let completed = 0;
    const count = (error?: Error) => {
      if (error) reject(error);
      else if (++completed === queued + 1) resolve(completed);
    };
    for (let i = 0; i <= queued; i++) emitter.emit({ topic: 'data' }, count);
    try {
      release();
    } catch (e) {
      reject(e);
    }
  });
}

describe('unwindEmitter (the real mqemitter aedes uses)', () => {
  it('without it, a long queue released at once overflows the stack', async () => {
    await expect(drainAfterStall(mqemitter({ concurrency: 1 }), 20_000)).rejects.toThrow(/call stack/);
  });

  it('with it, every queued message is delivered and completed', async () => {
    const emitter = mqemitter({ concurrency: 1 });
    unwindEmitter(emitter);
    await expect(drainAfterStall(emitter, 20_000)).resolves.toBe(20_001);
  });
});
