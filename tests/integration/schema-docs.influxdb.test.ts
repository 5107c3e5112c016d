import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureSchema } from '../../broker/schema/index.js';
import { useInflux } from '../harness/index.js';

const influx = useInflux();

/** Every InfluxQL statement of docs/data.md's ```sql blocks (statements separated by blank lines). */
function documentedQueries(): string[] {
  const text = readFileSync(new URL('../../docs/data.md', import.meta.url), 'utf8');
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap(([, block]) =>
    block!
      .split(/\n\s*\n/)
      .map((s) =>
        s
          .split('\n')
          .filter((l) => !l.trim().startsWith('--'))
          .join(' ')
          .trim(),
      )
      .filter(Boolean),
  );
}

describe('docs/data.md', () => {
  it('has queries that InfluxDB accepts on the schema ensureSchema makes', async () => {
    await ensureSchema({ url: influx().url, database: 'tidegate' });
    const queries = documentedQueries();
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const q of queries) {
      const result = await influx().query(q, 'tidegate');
      expect(result.error ?? result.results[0]?.error, q).toBeUndefined();
    }
  });
});
