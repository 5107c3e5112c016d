/**
 * One line of the RS-232 "data verification" text strings that a Wavetronix Click 512 prints for each
 * event of a SmartSensor HD (Click 512 user guide WX-501-0537, pages 5–6; Click 500 series user guide,
 * chapter 9 "Click 512", p. 86–87):
 *   date,time,lane,speed,length,duration,range,class
 *   2009:05:28,23:04:04.902,00,0070.5,0073.9,00000773,0163.1,03
 * date YYYY:MM:DD and time HH:MM:SS.mmm (the module's clock, taken as UTC); lane zero-based, 00 the lane
 * closest to the sensor (the Wavetronix software shows it as lane 1); speed and length in the sensor's
 * units (mph and ft for "Standard" units), a negative speed for a wrong-way vehicle; duration in ms the
 * vehicle occupied the zone; range its distance from the sensor; class the length-based class group.
 * A line whose every value after the time is zero is the heartbeat the module sends about every ten
 * seconds: a sign of life, not a vehicle.
 */
export interface VehicleRecord {
  /** Device time, ms since the epoch. */
  timeMs: number;
  /** As the device numbers it: "0" is the lane closest to the sensor. */
  lane: string;
  /** Signed, in the device's speed unit. */
  speed: number;
  length: number;
  durationMs: number;
  range: number;
  class: string;
}

export type RecordResult = { record: VehicleRecord } | { heartbeat: number } | { reason: string; detail: string };

/**
 * Where a record starts: its date and the hour of its time. Zero-width, so that overlapping starts
 * are all found: a record glued behind a cut one ("2026:11:28,14:0" + "2026:11:28,14:03:…").
 */
export const RECORD_START = /(?=\d{4}:\d{2}:\d{2},\d{2}:\d{2})/g;

const DATE = /^(\d{4}):(\d{2}):(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const LANE = /^\d{1,3}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The device time of a date and time, or why it is not one. */
function deviceTime(date: string, time: string): number | string {
  const day = DATE.exec(date);
  const clock = TIME.exec(time);
  if (!day) return `date "${date}" is not YYYY:MM:DD`;
  if (!clock) return `time "${time}" is not HH:MM:SS.mmm`;
  const [, y, mo, d] = day;
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
  const exists =
    !Number.isNaN(timeMs) &&
    check.getUTCDate() === Number(d) &&
    check.getUTCMonth() === Number(mo) - 1 &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59;
  return exists ? timeMs : `date and time "${date},${time}" do not exist`;
}

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
  const timeMs = deviceTime(date, time);
  if (typeof timeMs === 'string') return bad(timeMs);
  if (!LANE.test(lane)) return bad(`lane "${lane}" is not a lane number`);
  for (const [name, value] of [
    ['speed', speed],
    ['length', length],
    ['range', range],
  ] as const)
    if (!DECIMAL.test(value)) return bad(`${name} "${value}" is not a number`);
  if (!/^\d{1,8}$/.test(duration)) return bad(`duration "${duration}" is not whole milliseconds`);
  if (Number(length) < 0) return bad(`length "${length}" is negative`);
  if (!/^\d{1,2}$/.test(vehicleClass)) return bad(`class "${vehicleClass}" is not a class number`);
  const values = [lane, speed, length, duration, range, vehicleClass].map(Number);
  if (values.every((v) => v === 0)) return { heartbeat: timeMs };
  return {
    record: {
      timeMs,
      lane: String(Number(lane)),
      speed: Number(speed),
      length: Number(length),
      durationMs: Number(duration),
      range: Number(range),
      class: String(Number(vehicleClass)),
    },
  };
}
