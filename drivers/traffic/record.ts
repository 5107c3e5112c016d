/**
 * One vehicle as a Wavetronix SmartSensor HD (or Click 512) per-vehicle report prints it on RS-232:
 *   date,time,lane,speed,length,duration_ms,range,class
 *   2026-11-28,14:03:22.415,1,34.2,15.5,420,32,2
 * date YYYY-MM-DD (or MM/DD/YYYY), time HH:MM:SS[.mmm] (the device clock, taken as UTC), speed and
 * length in the device's units (mph/ft by default), a negative speed for a wrong-way vehicle,
 * duration the time the vehicle occupied the detection zone, range its distance from the sensor.
 */
export interface VehicleRecord {
  /** Device time, ms since the epoch. */
  timeMs: number;
  lane: string;
  /** Signed, in the device's speed unit. */
  speed: number;
  length: number;
  durationMs: number;
  range: number;
  class: string;
}

export type RecordResult = { record: VehicleRecord } | { reason: string; detail: string };

/**
 * Where a record starts: its date and the hour of its time. Zero-width, so that overlapping starts
 * are all found: a record glued behind a cut one ("2026-11-28,14:0" + "2026-11-28,14:03:…").
 */
export const RECORD_START = /(?=(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4}),\d{2}:\d{2})/g;

const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_US = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const LANE = /^[A-Za-z0-9_.-]{1,16}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function parseRecord(line: string): RecordResult {
  const fields = line.split(',');
  const bad = (detail: string): RecordResult => ({ reason: 'malformed', detail: `${detail} in "${line}"` });
  if (fields.length !== 8) return bad(`${fields.length} fields instead of 8`);
  const [date, time, lane, speed, length, duration, range, vehicleClass] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const iso = DATE_ISO.exec(date);
  const us = DATE_US.exec(date);
  const clock = TIME.exec(time);
  if (!(iso || us)) return bad(`date "${date}" is not YYYY-MM-DD or MM/DD/YYYY`);
  if (!clock) return bad(`time "${time}" is not HH:MM:SS[.mmm]`);
  const [y, mo, d] = iso ? [iso[1], iso[2], iso[3]] : [us![3], us![1], us![2]];
  const [, h, mi, s, ms = '0'] = clock;
  const timeMs = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms.padEnd(3, '0')),
  );
  const check = new Date(timeMs);
  if (
    Number.isNaN(timeMs) ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return bad(`date and time "${date},${time}" do not exist`);
  if (!LANE.test(lane)) return bad(`lane "${lane}" is not 1-16 letters, digits, _ . -`);
  for (const [name, value] of [
    ['speed', speed],
    ['length', length],
    ['range', range],
  ] as const)
    if (!DECIMAL.test(value)) return bad(`${name} "${value}" is not a number`);
  if (!/^\d{1,7}$/.test(duration)) return bad(`duration "${duration}" is not whole milliseconds`);
  if (Number(length) < 0) return bad(`length "${length}" is negative`);
  if (!/^\d{1,2}$/.test(vehicleClass)) return bad(`class "${vehicleClass}" is not a class number`);
  return {
    record: {
      timeMs,
      lane,
      speed: Number(speed),
      length: Number(length),
      durationMs: Number(duration),
      range: Number(range),
      class: String(Number(vehicleClass)),
    },
  };
}
