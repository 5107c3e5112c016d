export type { ReopenBackoff } from './backoff.js';
export { openSerialDevice, type SerialDevice } from './device.js';
export { type PortOwnerCounters, type PortOwnerEvents, type PortState, SerialPortOwner } from './port-owner.js';
export { type SerialLineOptions, serialLineOptions, serialPortClaim, toSerialSettings } from './settings.js';
