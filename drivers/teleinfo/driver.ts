import { nowNs } from '../../wire/reading.js';
import type { DeviceContext, DeviceHandle, DriverDefinition } from '../driver.js';
import { openSerialDevice, serialPortClaim } from '../serial/index.js';
import { createTeleinfoDecoder } from './decoder.js';
import { baudRateOf, type TeleinfoOptions, teleinfoOptions } from './options.js';
import { TELEINFO_MODES } from './protocol.js';
import { TELEINFO_FIELDS } from './reading.js';

async function open(options: TeleinfoOptions, context: DeviceContext): Promise<DeviceHandle> {
  const decoder = createTeleinfoDecoder(options.mode, nowNs, context.sink);
  const { dataBits, parity, stopBits } = options;
  const settings = { path: options.port, baudRate: baudRateOf(options), dataBits, parity, stopBits };
  const { handle } = await openSerialDevice(settings, context, decoder);
  return handle;
}

export const driver: DriverDefinition<TeleinfoOptions> = {
  name: 'teleinfo',
  description: 'Enedis teleinfo (TIC) of Linky and electronic meters, historique or standard mode, 7E1',
  mode: 'push',
  options: teleinfoOptions,
  example: { port: '/dev/ttyAMA0', mode: 'historique' },
  resources: serialPortClaim,
  // A home's meter: without the owner's consent in the config, daily energy only (docs/privacy.md).
  defaultConsent: 'daily',
  emits: (options) =>
    (options ? [options.mode] : TELEINFO_MODES).map((mode) => ({
      measurement: 'electricity',
      fields: TELEINFO_FIELDS[mode],
    })),
  // The meter sends its frames back to back, one every second or two in either mode (Enedis-NOI-CPT_54E
  // §5): 30 s without a good frame is a meter or a line gone.
  silenceMs: () => 30_000,
  open,
};
