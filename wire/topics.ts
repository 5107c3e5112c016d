/**
 * The MQTT topic scheme shared by gateways, broker, ingestor and dashboard:
 *
 *   <prefix>/<gateway>/data/<device>   line protocol, QoS 1
 *   <prefix>/<gateway>/status          JSON GatewayStatus, QoS 1, retained, last will = offline
 *   <prefix>/<gateway>/events          JSON GatewayEvent, QoS 1
 *   <prefix>/<gateway>/command         commands to the gateway (only it may read them)
 */
export const DEFAULT_PREFIX = 'tidegate';

/**
 * What a gateway or device id may be: it is a topic level and an InfluxDB tag value, so letters,
 * digits, `.`, `_` and `-` only, starting with a letter or digit, at most 64 characters.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function idProblem(id: string, what = 'id'): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return `${what} is empty`;
  if (id.length > 64) return `${what} "${id.slice(0, 20)}…" is longer than 64 characters`;
  if (!ID_PATTERN.test(id))
    return `${what} "${id}" may hold only letters, digits, ".", "_" and "-", and must start with a letter or digit`;
  return undefined;
}

export function assertId(id: string, what = 'id'): string {
  const problem = idProblem(id, what);
  if (problem) throw new Error(problem);
  return id;
}

export function prefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0) return 'topic prefix is empty';
  for (const level of prefix.split('/')) {
    const p = idProblem(level, 'topic prefix level');
    if (p) return p;
  }
  return undefined;
}

export type TopicKind = 'data' | 'status' | 'events' | 'command';

export interface ParsedTopic {
  gateway: string;
  kind: TopicKind;
  /** Only for data topics. */
  device?: string;
}

export class Topics {
  readonly prefix: string;

  constructor(prefix = DEFAULT_PREFIX) {
    const problem = prefixProblem(prefix);
    if (problem) throw new Error(problem);
    this.prefix = prefix;
  }

  data(gateway: string, device: string): string {
    return `${this.prefix}/${assertId(gateway, 'gateway id')}/data/${assertId(device, 'device id')}`;
  }

  status(gateway: string): string {
    return `${this.prefix}/${assertId(gateway, 'gateway id')}/status`;
  }

  events(gateway: string): string {
    return `${this.prefix}/${assertId(gateway, 'gateway id')}/events`;
  }

  command(gateway: string): string {
    return `${this.prefix}/${assertId(gateway, 'gateway id')}/command`;
  }

  /** Subscription filters. */
  allData(): string {
    return `${this.prefix}/+/data/+`;
  }
  allStatus(): string {
    return `${this.prefix}/+/status`;
  }
  allEvents(): string {
    return `${this.prefix}/+/events`;
  }
  gatewayAll(gateway: string): string {
    return `${this.prefix}/${assertId(gateway, 'gateway id')}/#`;
  }

  /** The parts of a topic of this scheme, or undefined when the topic is not one (or has a bad id). */
  parse(topic: string): ParsedTopic | undefined {
    if (!topic.startsWith(`${this.prefix}/`)) return undefined;
    const levels = topic.slice(this.prefix.length + 1).split('/');
    const [gateway, kind, device] = levels;
    if (gateway === undefined || idProblem(gateway)) return undefined;
    if (kind === 'data' && levels.length === 3 && device !== undefined && !idProblem(device))
      return { gateway, kind, device };
    if ((kind === 'status' || kind === 'events' || kind === 'command') && levels.length === 2) return { gateway, kind };
    return undefined;
  }
}
