import type { StoredEvent } from '../../events/store.js';
import type { HistoryRange, HistoryResponse } from '../feed/history.js';
import type { EventView } from '../feed/state.js';

export interface EventsPage {
  events: StoredEvent[];
  /** Events the broker keeps in all, and at most. */
  total: number;
  kept: number;
  gateways: string[];
}

export interface EventFilter {
  gateway?: string;
  device?: string;
  kind?: string;
}

/**
 * The broker's `/api/*` routes, with the signed-in operator's credentials (HTTP Basic, the same
 * account as the MQTT connection; kept in this object's memory only, like the MQTT client's).
 */
export class DashboardApi {
  private readonly authorization: string;

  constructor(username: string, password: string) {
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    this.authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }

  events(filter: EventFilter & { after?: number; limit?: number }): Promise<EventsPage> {
    return this.get('api/events', { ...filter });
  }

  history(gateway: string, range: HistoryRange): Promise<HistoryResponse> {
    return this.get('api/history', { gateway, range });
  }

  private async get<T>(path: string, params: Record<string, string | number | undefined>): Promise<T> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
    const res = await fetch(`${path}?${query}`, { headers: { authorization: this.authorization } });
    const body = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    return body;
  }
}

/** A kept event as the page's lists show it. */
export function fromStored(e: StoredEvent): EventView {
  const view: EventView = {
    id: e.id,
    type: e.kind,
    gateway: e.gateway,
    time: new Date(e.time).toISOString(),
    receivedAt: e.receivedAt,
  };
  if (e.device !== undefined) view.device = e.device;
  if (e.reason !== undefined) view.reason = e.reason;
  if (e.count !== undefined) view.count = e.count;
  if (e.durationMs !== undefined) view.durationMs = e.durationMs;
  return view;
}
