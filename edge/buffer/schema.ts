/**
 * One row per reading. `body` is the reading's line protocol without its timestamp, `time` its
 * timestamp (ns): a reading held while the clock was wrong can be re-stamped without re-encoding.
 * `held` rows carry the monotonic time (`mono`, ns since boot) and the boot they were taken in.
 */
export const BUFFER_SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  device TEXT    NOT NULL,
  time   INTEGER NOT NULL,
  body   TEXT    NOT NULL,
  bytes  INTEGER NOT NULL,
  held   INTEGER NOT NULL DEFAULT 0,
  mono   INTEGER,
  boot   TEXT
);
CREATE INDEX IF NOT EXISTS readings_ready ON readings (device, held, time, seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** Per-row overhead counted against the cap besides the line bytes (ids, time, index entries). */
export const ROW_OVERHEAD_BYTES = 48;
