import type { DeviceContext, DeviceHandle, DriverDefinition } from '../driver.js';
import { openSerialDevice, serialPortClaim, toSerialSettings } from '../serial/index.js';
import { createTrafficDecoder } from './decoder.js';
import { type TrafficOptions, trafficOptions } from './options.js';

async function open(options: TrafficOptions, context: DeviceContext): Promise<DeviceHandle> {
  const decoder = createTrafficDecoder(
    {
      periodS: options.period,
      speedUnit: options.speedUnit,
      lengthUnit: options.lengthUnit,
      receptionClockMs: options.clock === 'gateway' ? Date.now : undefined,
    },
    context.sink,
  );
  // Close each period once it is over, even when no later vehicle comes to close it.
  const timer = setInterval(() => decoder.flushBefore(Date.now() - options.graceS * 1000), 1000);
  const { handle } = await openSerialDevice(toSerialSettings(options), context, {
    push: decoder.push,
    // The port went down: only a cut line is flushed; open periods stay open for the vehicles to come.
    end: () => decoder.flushLine(),
  });
  return {
    counters: handle.counters,
    async close() {
      clearInterval(timer);
      await handle.close();
      decoder.close();
    },
  };
}

export const driver: DriverDefinition<TrafficOptions> = {
  name: 'traffic',
  description:
    'road traffic counter (Wavetronix SmartSensor HD through a Click 512: RS-232 text strings), aggregated per period, lane and class',
  mode: 'push',
  options: trafficOptions,
  example: { port: '/dev/ttyUSB2', period: '6m' },
  resources: serialPortClaim,
  emits: () => [
    {
      measurement: 'traffic',
      fields: ['count', 'flow_veh_h', 'mean_speed_kmh', 'mean_length_m', 'occupancy_pct', 'period_s'],
    },
  ],
  open,
};
