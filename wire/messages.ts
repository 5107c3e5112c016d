import * as z from 'zod';

/**
 * JSON messages on `<prefix>/<gateway>/status` (retained) and `<prefix>/<gateway>/events`.
 * Times are ISO 8601 strings in UTC; counts are plain numbers.
 */

export const DeviceHealthSchema = z.object({
  state: z.enum(['up', 'down', 'starting']),
  driver: z.string(),
  /** When the last good reading was taken, if any. */
  lastReadingAt: z.string().nullable(),
  readings: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});
export type DeviceHealth = z.infer<typeof DeviceHealthSchema>;

export const GatewayStatusSchema = z.object({
  state: z.enum(['online', 'offline']),
  gateway: z.string(),
  site: z.string().optional(),
  version: z.string().optional(),
  time: z.string(),
  startedAt: z.string().optional(),
  /** Readings stored on the gateway and not yet acknowledged by the broker. */
  backlog: z.number().int().nonnegative().optional(),
  /** False while the gateway's clock is not known to be right (no RTC, no NTP yet). */
  clockSynced: z.boolean().optional(),
  /** Coarsened location: a grid cell centre, never the position as entered for self-data sites. */
  location: z.object({ lat: z.number(), lon: z.number() }).optional(),
  devices: z.record(z.string(), DeviceHealthSchema).optional(),
});
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;

export const EVENT_TYPES = [
  'device_down',
  'device_up',
  'frame_rejected',
  'buffer_dropped',
  'config_reloaded',
  'clock_synced',
  'message_rejected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const GatewayEventSchema = z.object({
  type: z.enum(EVENT_TYPES),
  gateway: z.string(),
  time: z.string(),
  device: z.string().optional(),
  reason: z.string().optional(),
  count: z.number().int().nonnegative().optional(),
});
export type GatewayEvent = z.infer<typeof GatewayEventSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJson<T>(schema: z.ZodType<T>, payload: string | Uint8Array): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
  }
  return { ok: true, value: parsed.data };
}

export function parseStatus(payload: string | Uint8Array): ParseResult<GatewayStatus> {
  return parseJson(GatewayStatusSchema, payload);
}

export function parseEvent(payload: string | Uint8Array): ParseResult<GatewayEvent> {
  return parseJson(GatewayEventSchema, payload);
}
