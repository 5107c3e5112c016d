import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../tests/harness/index.js';
import type { DeviceHandle } from '../driver.js';
import { createDriverRuntime } from '../runtime.js';
import { recordingSink } from '../serial/recording-sink.js';
import { driver } from './driver.js';
import { dataFrame } from './protocol.js';

/**
 * The bytes the driver puts on the wire, read by a plain serial port on the other end of a socat PTY pair.
 * Expected: the command frames of PMS5003 series data manual V2.3, Appendix II (transport protocol,
 * passive mode): 0x42 0x4D CMD DATAH DATAL and the verify bytes, "add of all the bytes except verify
 * bytes". The manual's table gives CMD/DATAH/DATAL (0xe2 read in passive mode; 0xe1 00H passive / 01H
 * active; 0xe4 00H sleep / 01H wake up), not the seven bytes: these are that rule applied, as other
 * PMS5003 projects publish them.
 */
describe('pms5003 driver: its command frames on the wire (manual Appendix II)', () => {
  const pty = usePtyPair();
  const hex = (bytes: Buffer) =>
    bytes
      .toString('hex')
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1 ');

  async function withPeer(
    mode: 'active' | 'passive',
    test: (wire: { bytes: () => string; peer: SerialPort; handle: DeviceHandle }) => Promise<void>,
  ) {
    const peer = new SerialPort({ path: pty().b, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => peer.open((error) => (error ? reject(error) : resolve())));
    const received: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => received.push(chunk));
    const controller = new AbortController();
    const handle = await driver.open(driver.options.parse({ port: pty().a, mode, timeoutMs: 10_000 }), {
      deviceId: 'pm-1',
      sink: recordingSink(),
      runtime: createDriverRuntime(),
      signal: controller.signal,
    });
    try {
      await test({ bytes: () => hex(Buffer.concat(received)), peer, handle });
    } finally {
      controller.abort();
      await handle.close();
      await new Promise<void>((resolve) => peer.close(() => resolve()));
    }
  }

  it('passive mode: "change to passive" at start, then "read in passive mode" for each poll', async () => {
    await withPeer('passive', async ({ bytes, peer, handle }) => {
      await waitFor(() => bytes() === '42 4D E1 00 00 01 70', 'the change-mode command (0xe1, 00H passive)');
      const polled = handle.poll!();
      await waitFor(() => bytes() === '42 4D E1 00 00 01 70 42 4D E2 00 00 01 71', 'the read command (0xe2)');
      peer.write(
        Buffer.from(
          dataFrame({
            cf1: { pm1: 1, pm2_5: 2, pm10: 3 },
            atmospheric: { pm1: 4, pm2_5: 5, pm10: 6 },
            counts: [0, 0, 0, 0, 0, 0],
          }),
        ),
      );
      const [reading] = await polled;
      expect(reading?.fields).toMatchObject({ pm1_ugm3: 4, pm2_5_ugm3: 5, pm10_ugm3: 6 });
    });
  });

  it('active mode: "change to active" at start, and a poll sends nothing', async () => {
    await withPeer('active', async ({ bytes, peer, handle }) => {
      await waitFor(() => bytes() === '42 4D E1 00 01 01 71', 'the change-mode command (0xe1, 01H active)');
      const polled = handle.poll!();
      peer.write(
        Buffer.from(
          dataFrame({
            cf1: { pm1: 1, pm2_5: 2, pm10: 3 },
            atmospheric: { pm1: 4, pm2_5: 5, pm10: 6 },
            counts: [0, 0, 0, 0, 0, 0],
          }),
        ),
      );
      await polled;
      expect(bytes()).toBe('42 4D E1 00 01 01 71');
    });
  });
});
