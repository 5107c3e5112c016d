import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../tests/harness/index.js';
import { type PortState, SerialPortOwner } from './port-owner.js';

/** The far end of the cable: a plain serialport on the other PTY end. */
async function openPeer(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return port;
}

function closePeer(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

describe('SerialPortOwner over a socat PTY pair', () => {
  const pty = usePtyPair();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('reads and writes with the configured line settings', async () => {
    const owner = new SerialPortOwner({ path: pty().a, baudRate: 1200, dataBits: 7, parity: 'even', stopBits: 1 });
    cleanups.push(() => owner.close());
    expect(await owner.open()).toBe(true);
    const peer = await openPeer(pty().b);
    cleanups.push(() => closePeer(peer));

    const received: Buffer[] = [];
    owner.on('data', (chunk) => received.push(chunk));
    peer.write(Buffer.from('hello'));
    await waitFor(() => Buffer.concat(received).toString() === 'hello', 'owner to read hello');

    const fromOwner: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => fromOwner.push(chunk));
    await owner.write(Buffer.from([1, 2, 3]));
    await waitFor(() => Buffer.concat(fromOwner).equals(Buffer.from([1, 2, 3])), 'peer to read 1 2 3');
    expect(owner.counters).toMatchObject({ opens: 1, bytesRead: 5, bytesWritten: 3 });
  });

  it('reopens after the device is unplugged and plugged back on the same path', async () => {
    const owner = new SerialPortOwner({ path: pty().a, baudRate: 9600 }, { initialMs: 20, maxMs: 200 });
    cleanups.push(() => owner.close());
    const states: [PortState, string | undefined][] = [];
    owner.on('state', (state, reason) => states.push([state, reason]));
    const received: Buffer[] = [];
    owner.on('data', (chunk) => received.push(chunk));
    await owner.open();

    await pty().stop();
    await waitFor(() => !owner.isOpen, 'owner to notice the unplug');
    await expect(owner.write(Buffer.from('x'))).rejects.toThrow(/is not open/);
    await pty().restart();
    await owner.whenOpen(20_000);

    const peer = await openPeer(pty().b);
    cleanups.push(() => closePeer(peer));
    peer.write(Buffer.from('back'));
    await waitFor(() => Buffer.concat(received).toString() === 'back', 'data after the reopen');
    expect(owner.counters.opens).toBe(2);
    expect(owner.counters.disconnects).toBe(1);
    expect(states.map(([state]) => state)).toEqual(['up', 'down', 'up']);
    expect(states[1]?.[1]).toMatch(/disconnected/);
  });

  it('keeps trying when the device is absent at start, and a dead port does not stop another', async () => {
    const absent = new SerialPortOwner({ path: `${pty().a}-absent`, baudRate: 9600 }, { initialMs: 10, maxMs: 50 });
    cleanups.push(() => absent.close());
    const states: string[] = [];
    absent.on('state', (state, reason) => states.push(`${state}:${reason}`));
    expect(await absent.open()).toBe(false);
    await waitFor(() => absent.counters.failedOpens >= 3, 'several reopen attempts');
    expect(states).toHaveLength(1); // one 'down' per outage, not one per attempt
    expect(states[0]).toMatch(/^down:open failed/);

    const live = new SerialPortOwner({ path: pty().a, baudRate: 9600 });
    cleanups.push(() => live.close());
    expect(await live.open()).toBe(true);
    const peer = await openPeer(pty().b);
    cleanups.push(() => closePeer(peer));
    const chunks: Buffer[] = [];
    const reader = (async () => {
      for await (const chunk of live.chunks()) chunks.push(chunk);
    })();
    peer.write(Buffer.from('ok'));
    await waitFor(() => Buffer.concat(chunks).toString() === 'ok', 'the live port to read while the other retries');
    await live.close();
    await reader; // the iterator ends when the owner closes
    await absent.close();
    await expect(absent.whenOpen(10)).rejects.toThrow(/closed/);
  });
});
