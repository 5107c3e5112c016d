import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../tests/harness/index.js';
import { createDriverRuntime } from '../runtime.js';
import { openSerialDevice } from './device.js';
import { recordingSink } from './recording-sink.js';

describe('openSerialDevice over a socat PTY pair', () => {
  const pty = usePtyPair();

  it('feeds the decoder, turns port state into device state, and survives a decoder that throws', async () => {
    const sink = recordingSink();
    const seen: string[] = [];
    let ends = 0;
    const { handle } = await openSerialDevice(
      { path: pty().a, baudRate: 9600 },
      { deviceId: 'dev', sink, runtime: createDriverRuntime(), signal: new AbortController().signal },
      {
        push(chunk) {
          const text = Buffer.from(chunk).toString();
          if (text.includes('boom')) throw new Error('decoder bug');
          seen.push(text);
        },
        end: () => void ends++,
      },
    );
    const peer = new SerialPort({ path: pty().b, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => peer.open((error) => (error ? reject(error) : resolve())));
    try {
      peer.write('boom');
      await waitFor(() => sink.rejectedBy('decoder-error') === 1, 'the decoder error to be counted');
      peer.write('after');
      await waitFor(() => seen.join('') === 'after', 'bytes after the decoder error');
    } finally {
      await new Promise<void>((resolve) => peer.close(() => resolve()));
      await handle.close();
    }
    expect(sink.states.map((s) => s.state)).toEqual(['starting', 'up', 'down']);
    expect(ends).toBe(1); // flushed once, at the close
  });
});
