import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, useRedis, waitFor } from '../../tests/harness/index.js';
import { publishStream } from '../ingest/testing.js';
import { addUser, type RunningBroker, startBroker } from './index.js';

/**
 * The durable sessions in the broker's /health are counted through aedes' generic persistence API:
 * the same answer with the memory persistence and with Redis (a real redis-server).
 */
const redis = useRedis();
const dir = tempDir('tidegate-sessions-');
const brokers: RunningBroker[] = [];
afterAll(async () => {
  for (const b of brokers) await b.close({ drainMs: 0 });
});

describe('durable sessions in /health', () => {
  for (const kind of ['memory', 'redis'] as const)
    it(`counts the messages queued for an absent ingestor (${kind} persistence)`, async () => {
      const usersFile = join(dir, `users-${kind}.yaml`);
      const gw = (await addUser(usersFile, 'gw-s', 'gateway')).password;
      const broker = await startBroker({
        usersFile,
        listeners: { mqtt: { port: 0 }, http: { port: 0 } },
        persistence: kind === 'redis' ? { type: 'redis', url: redis().url } : { type: 'memory' },
        durableSessions: [{ clientId: `ingestor-${kind}`, topics: ['tidegate/+/data/+'], maxAwayS: 3600 }],
      });
      brokers.push(broker);
      await publishStream({
        url: broker.mqttUrl!,
        gateway: 'gw-s',
        device: 'pm-1',
        client: { username: 'gw-s', password: gw },
        messages: 7,
        linesPerMessage: 3,
      });
      const health = async () => {
        const res = await fetch(`${broker.httpUrl}/health`);
        return { status: res.status, body: (await res.json()) as { durableSessions: unknown[] } };
      };
      await waitFor(async () => {
        const { body } = await health();
        return (body.durableSessions[0] as { queued: number }).queued === 7;
      }, '7 messages counted as queued');
      const { status, body } = await health();
      expect(status).toBe(200); // away, but not for longer than maxAwayS
      expect(body.durableSessions).toEqual([
        { clientId: `ingestor-${kind}`, connected: false, since: expect.any(String), queued: 7, ok: true },
      ]);
    });
});
