/**
 * Plantower PMS5003, after its data manual (PMS5003 series data manual V2.3, 2016-06-01): UART 9600 8N1.
 * Appendix I, the sensor's frame: 0x42 0x4D, frame length (2 bytes, 2×13+2 = 28), thirteen 16-bit data
 * words, a 16-bit check code = the sum of every byte before it. Appendix II, the host's commands:
 * 0x42 0x4D CMD DATAH DATAL, then the 16-bit sum of those five bytes.
 */
export const START_1 = 0x42;
export const START_2 = 0x4d;
/** Data words (13) and the check code, after the 4-byte header. */
export const DATA_LENGTH = 2 * 13 + 2;
export const FRAME_LENGTH = 4 + DATA_LENGTH;
/** The sensor's answer to a mode or sleep command: one data word and the check code. */
export const REPLY_LENGTH = 4 + 2 + 2;

export const CMD_READ = 0xe2;
export const CMD_MODE = 0xe1;
export const CMD_SLEEP = 0xe4;

export type Pms5003Mode = 'active' | 'passive';

/** The 16-bit sum of bytes [from, to). */
export function checkCode(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += bytes[i] as number;
  return sum & 0xffff;
}

function command(cmd: number, data: number): Uint8Array {
  const bytes = Uint8Array.from([START_1, START_2, cmd, (data >> 8) & 0xff, data & 0xff, 0, 0]);
  const sum = checkCode(bytes, 0, 5);
  bytes[5] = sum >> 8;
  bytes[6] = sum & 0xff;
  return bytes;
}

/** Appendix II's commands. */
export const commands = {
  /** Passive mode: send one data frame now. */
  read: () => command(CMD_READ, 0),
  mode: (mode: Pms5003Mode) => command(CMD_MODE, mode === 'active' ? 1 : 0),
  /** Sleep (fan and laser off) or wake up. */
  sleep: (asleep: boolean) => command(CMD_SLEEP, asleep ? 0 : 1),
};

/** What one data frame holds (Appendix I): µg/m³ under CF=1 and under atmospheric environment, counts per 0.1 L. */
export interface Pms5003Frame {
  cf1: { pm1: number; pm2_5: number; pm10: number };
  atmospheric: { pm1: number; pm2_5: number; pm10: number };
  /** Particles beyond 0.3, 0.5, 1.0, 2.5, 5.0 and 10 µm in 0.1 L of air. */
  counts: [number, number, number, number, number, number];
}

const word = (bytes: Uint8Array, n: number) => ((bytes[4 + 2 * n] as number) << 8) | (bytes[5 + 2 * n] as number);

/** A checked 32-byte data frame → its values. */
export function parseDataFrame(bytes: Uint8Array): Pms5003Frame {
  const w = (n: number) => word(bytes, n);
  return {
    cf1: { pm1: w(0), pm2_5: w(1), pm10: w(2) },
    atmospheric: { pm1: w(3), pm2_5: w(4), pm10: w(5) },
    counts: [w(6), w(7), w(8), w(9), w(10), w(11)],
  };
}

/** The data frame of these values, as the sensor sends it (data 13 reserved, 0). */
export function dataFrame(frame: Pms5003Frame): Uint8Array {
  const words = [
    frame.cf1.pm1,
    frame.cf1.pm2_5,
    frame.cf1.pm10,
    frame.atmospheric.pm1,
    frame.atmospheric.pm2_5,
    frame.atmospheric.pm10,
    ...frame.counts,
    0,
  ];
  const bytes = new Uint8Array(FRAME_LENGTH);
  bytes.set([START_1, START_2, DATA_LENGTH >> 8, DATA_LENGTH & 0xff]);
  words.forEach((value, n) => {
    bytes[4 + 2 * n] = (value >> 8) & 0xff;
    bytes[5 + 2 * n] = value & 0xff;
  });
  const sum = checkCode(bytes, 0, FRAME_LENGTH - 2);
  bytes[FRAME_LENGTH - 2] = sum >> 8;
  bytes[FRAME_LENGTH - 1] = sum & 0xff;
  return bytes;
}
