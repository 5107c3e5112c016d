import assert from 'node:assert';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { SqlitePersistence } from './sqlite-persistence.js';

/**
 * aedes-persistence's abstract suite (the one aedes-persistence-level, -redis and -mongodb run) against
 * the SQLite persistence. The suite is written for node:test; this adapter gives each test the parts of
 * node:test's context it uses: `t.assert` (node:assert, counted) and `t.plan(n)` (checked at the end).
 */
const require = createRequire(import.meta.url);
const abstract = require('aedes-persistence/abstract.js') as (opts: unknown) => void;

type Body = (t: unknown) => Promise<void> | void;

function test(name: string, body: Body): void {
  it(name, async () => {
    let planned: number | undefined;
    let count = 0;
    const counted = Object.fromEntries(
      Object.entries(assert)
        .filter(([, f]) => typeof f === 'function')
        .map(([key, f]) => [
          key,
          (...args: unknown[]) => {
            count++;
            return (f as (...a: unknown[]) => unknown)(...args);
          },
        ]),
    );
    const t = { assert: counted, plan: (n: number) => (planned = n), diagnostic: () => {} };
    await body(t);
    if (planned !== undefined) expect(count, 'assertions made against t.plan()').toBe(planned);
  });
}

abstract({ test, testAsync: true, persistence: () => new SqlitePersistence({ path: ':memory:' }) });
