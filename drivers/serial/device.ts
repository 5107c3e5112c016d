import { prefixed } from '../counters.js';
import type { DeviceContext, DeviceHandle, SerialSettings, StreamDecoder } from '../driver.js';
import { SerialPortOwner } from './port-owner.js';

export interface SerialDevice {
  owner: SerialPortOwner;
  handle: DeviceHandle;
}

/**
 * Runs a push device on its own serial port: every chunk read goes to the driver's stream decoder,
 * port up/down becomes the device's state, and the port is closed with the device (or its signal).
 * When the port goes down (unplugged, or closed) the decoder is flushed, so a frame cut there is
 * rejected as truncated, never glued to the bytes that come after the reconnect.
 */
export async function openSerialDevice(
  settings: SerialSettings,
  context: DeviceContext,
  decoder: StreamDecoder,
): Promise<SerialDevice> {
  const owner = new SerialPortOwner(settings);
  // A decoder bug must cost one chunk, counted, not the gateway process (this runs in serialport's stream).
  const guard = (what: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      context.sink.rejected('decoder-error', `${what}: ${(error as Error).message}`);
    }
  };
  owner.on('data', (chunk) => guard(`${chunk.length} bytes`, () => decoder.push(chunk)));
  owner.on('state', (state, reason) => {
    if (state === 'down') guard('end of input', () => decoder.end()); // a frame cut there is counted, not kept
    context.sink.state(state, reason);
  });
  const close = async () => {
    await owner.close();
  };
  context.signal.addEventListener('abort', () => void close(), { once: true });
  context.sink.state('starting');
  await owner.open();
  return { owner, handle: { close, counters: () => prefixed('port', owner.counters) } };
}
