/**
 * Nova Fitness SDS011 laser dust sensor, UART protocol V1.3: 9600 baud 8N1.
 * Sensor → host: 10 bytes `AA C0|C5 D1..D6 CS AB`, CS = low byte of D1+…+D6.
 * Host → sensor: 19 bytes `AA B4 D1..D15 CS AB`, CS = low byte of D1+…+D15; D14 D15 the device id
 * (FF FF: any sensor).
 */
export const HEAD = 0xaa;
export const TAIL = 0xab;
export const DATA = 0xc0;
export const REPLY = 0xc5;
export const COMMAND = 0xb4;
export const FRAME_LENGTH = 10;
export const COMMAND_LENGTH = 19;

export const CMD_REPORTING_MODE = 0x02;
export const CMD_QUERY_DATA = 0x04;
export const CMD_SET_ID = 0x05;
export const CMD_SLEEP_WORK = 0x06;
export const CMD_FIRMWARE = 0x07;
export const CMD_WORKING_PERIOD = 0x08;

export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += bytes[i] as number;
  return sum & 0xff;
}

/** A host command: `data` are D1.. (up to 13 bytes, zero-padded), the device id goes in D14 D15. */
export function command(data: readonly number[], deviceId = 0xffff): Uint8Array {
  const frame = new Uint8Array(COMMAND_LENGTH);
  frame[0] = HEAD;
  frame[1] = COMMAND;
  frame.set(data.slice(0, 13), 2);
  frame[15] = deviceId >> 8;
  frame[16] = deviceId & 0xff;
  frame[17] = checksum(frame, 2, 17);
  frame[18] = TAIL;
  return frame;
}

export const commands = {
  queryData: (deviceId?: number) => command([CMD_QUERY_DATA], deviceId),
  setReportingMode: (mode: 'active' | 'query', deviceId?: number) =>
    command([CMD_REPORTING_MODE, 1, mode === 'query' ? 1 : 0], deviceId),
  setWorking: (working: boolean, deviceId?: number) => command([CMD_SLEEP_WORK, 1, working ? 1 : 0], deviceId),
  /** 0 = continuous (a reading every second), 1..30 = one reading every n minutes, asleep between. */
  setWorkingPeriod: (minutes: number, deviceId?: number) => command([CMD_WORKING_PERIOD, 1, minutes], deviceId),
};

/** A sensor → host frame once its checksum and tail are right. */
export type SensorFrame =
  | { kind: 'data'; pm2_5: number; pm10: number; deviceId: number }
  | { kind: 'reply'; command: number; data: Uint8Array; deviceId: number };

export function parseSensorFrame(frame: Uint8Array): SensorFrame {
  const deviceId = ((frame[6] as number) << 8) | (frame[7] as number);
  if (frame[1] === DATA) {
    const pm2_5 = ((frame[3] as number) * 256 + (frame[2] as number)) / 10;
    const pm10 = ((frame[5] as number) * 256 + (frame[4] as number)) / 10;
    return { kind: 'data', pm2_5, pm10, deviceId };
  }
  return { kind: 'reply', command: frame[2] as number, data: frame.slice(2, 8), deviceId };
}

/** Encodes a data frame (for the simulator and tests); PM values in µg/m³, 0.1 resolution. */
export function dataFrame(pm2_5: number, pm10: number, deviceId = 0xa160): Uint8Array {
  const pm25 = Math.round(pm2_5 * 10);
  const p10 = Math.round(pm10 * 10);
  return sensorFrame(DATA, [pm25 & 0xff, pm25 >> 8, p10 & 0xff, p10 >> 8], deviceId);
}

export function sensorFrame(type: number, data4: readonly number[], deviceId = 0xa160): Uint8Array {
  const frame = Uint8Array.from([HEAD, type, ...data4.slice(0, 4), deviceId >> 8, deviceId & 0xff, 0, TAIL]);
  frame[8] = checksum(frame, 2, 8);
  return frame;
}
