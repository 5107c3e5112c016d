import type { TestAedes } from '../harness/index.js';

/**
 * Records what a harness aedes accepted from publishers (re-attached after each restart): data lines
 * per device in arrival order, status and event payloads.
 */
export class BrokerRecorder {
  readonly lines = new Map<string, string[]>();
  readonly messages = new Map<string, number>();
  readonly events: Record<string, unknown>[] = [];
  readonly statuses: Record<string, unknown>[] = [];

  constructor(private readonly aedes: TestAedes) {
    this.attach();
  }

  attach(): void {
    this.aedes.broker.on('publish', (packet, client) => {
      if (!client) return;
      const [, , kind, device] = packet.topic.split('/');
      const payload = packet.payload.toString();
      if (kind === 'data' && device) {
        const list = this.lines.get(device) ?? [];
        list.push(...payload.split('\n'));
        this.lines.set(device, list);
        this.messages.set(device, (this.messages.get(device) ?? 0) + 1);
      } else if (kind === 'events') this.events.push(JSON.parse(payload));
      else if (kind === 'status') this.statuses.push(JSON.parse(payload));
    });
  }

  /** A harness restart makes a new aedes: listen to it too. */
  async restart(): Promise<void> {
    await this.aedes.start();
    this.attach();
  }

  /** Distinct lines of a device, in order of first arrival. */
  distinct(device: string): string[] {
    return [...new Set(this.lines.get(device) ?? [])];
  }

  /** The `seq` field of each distinct line. */
  seqs(device: string): number[] {
    return this.distinct(device).map((line) => Number(/seq=(\d+)i/.exec(line)?.[1]));
  }
}

export function range(n: number, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}
