import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import { addUser, startBroker } from './index.js';
import { disconnectPacket, publishPacket, rawConnect, subscribePacket } from './test-support/raw-mqtt.js';

/** Issue 12 item 1 across a restart: the owner of a persistent session is stored with the session (SQLite). */
describe('session ownership survives a broker restart', () => {
  it('refuses another account the session after a restart; the owner gets what was queued', async () => {
    const dir = tempDir('tidegate-owner-restart-');
    const usersFile = join(dir, 'users.yaml');
    const pw = {
      gwA: (await addUser(usersFile, 'gwA', 'gateway')).password,
      gwB: (await addUser(usersFile, 'gwB', 'gateway')).password,
      root: (await addUser(usersFile, 'root', 'admin')).password,
    };
    const config = {
      usersFile,
      listeners: { mqtt: { port: 0 } },
      persistence: { type: 'sqlite' as const, path: join(dir, 'sessions.db') },
    };
    const first = await startBroker(config);
    const a = await rawConnect(first.mqttUrl!, { username: 'gwA', password: pw.gwA, clientId: 'X', clean: false });
    await a.client.write(subscribePacket(1, [['tidegate/gwA/command', 1]]));
    await a.client.next(9);
    await a.client.write(disconnectPacket());
    await a.client.closed;
    const admin = await rawConnect(first.mqttUrl!, { username: 'root', password: pw.root, clientId: 'root' });
    await admin.client.write(publishPacket('tidegate/gwA/command', 'before restart', { qos: 1, id: 7 }));
    await admin.client.next(4); // PUBACK: stored
    admin.client.close();
    await first.close({ drainMs: 0 });

    const second = await startBroker(config);
    try {
      const b = await rawConnect(second.mqttUrl!, { username: 'gwB', password: pw.gwB, clientId: 'X', clean: false });
      expect(b.code).toBe(5);
      const back = await rawConnect(second.mqttUrl!, {
        username: 'gwA',
        password: pw.gwA,
        clientId: 'X',
        clean: false,
      });
      expect(back.code).toBe(0);
      expect((await back.client.next(3))?.payload).toBe('before restart');
      back.client.close();
    } finally {
      await second.close({ drainMs: 0 });
    }
  });
});
