import { Socket } from 'node:net';
import type { SerialSettings } from '../../driver.js';
import { SerialPortOwner } from '../../serial/index.js';
import type { ByteLink } from './transport.js';

/** A serial line through its owner (drivers/serial), which reopens it when the adapter comes back. */
export function serialLink(settings: SerialSettings): ByteLink {
  const owner = new SerialPortOwner(settings);
  const opened = owner.open();
  return {
    name: settings.path,
    async write(bytes) {
      await opened;
      await owner.write(bytes);
    },
    onData: (listener) => owner.on('data', listener),
    close: () => owner.close(),
  };
}

/** A TCP socket carrying RTU frames (a serial-to-Ethernet converter), connected on first write and after a drop. */
export function socketLink(host: string, port: number): ByteLink {
  const listeners: ((chunk: Buffer) => void)[] = [];
  let socket: Socket | undefined;
  let closed = false;
  const connect = () =>
    new Promise<Socket>((resolve, reject) => {
      const s = new Socket();
      s.once('error', (error) => reject(new Error(`connecting to ${host}:${port}: ${error.message}`)));
      s.connect(port, host, () => {
        s.removeAllListeners('error');
        s.on('error', () => {});
        s.setNoDelay(true);
        s.on('data', (chunk: Buffer) => {
          for (const l of listeners) l(chunk);
        });
        s.on('close', () => {
          if (socket === s) socket = undefined;
        });
        resolve(s);
      });
    });
  return {
    name: `rtu+tcp://${host}:${port}`,
    async write(bytes) {
      if (closed) throw new Error(`rtu+tcp://${host}:${port} closed`);
      socket ??= await connect();
      const s = socket;
      await new Promise<void>((resolve, reject) => s.write(bytes, (e) => (e ? reject(e) : resolve())));
    },
    onData: (listener) => listeners.push(listener),
    async close() {
      closed = true;
      socket?.destroy();
      socket = undefined;
    },
  };
}
