import { scrapeEdge } from './counts.js';
import type { ChaosStack } from './stack.js';

/**
 * What an operator could see while a fault lasts: the broker's /health, each edge's /health (broker
 * connection) and backlog, frames rejected. Sampled every `everyMs` until stopped.
 */
export class Observer {
  private readonly broker = new Set<string>();
  private readonly ingest = new Set<string>();
  private readonly edgeBroker = new Set<string>();
  private backlogPeak = 0;
  private rejectedAtStart = 0;
  private rejected = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly stack: ChaosStack) {}

  async start(everyMs = 250): Promise<void> {
    this.rejectedAtStart = await this.rejectedTotal();
    this.timer = setInterval(() => void this.sample(), everyMs);
    await this.sample();
  }

  async stop(): Promise<string> {
    clearInterval(this.timer);
    await this.sample();
    const parts = [
      `broker /health ${[...this.broker].join('|')}`,
      `ingest /health ${[...this.ingest].join('|')}`,
      `edge broker link ${[...this.edgeBroker].join('|')}`,
      `backlog peak ${this.backlogPeak}`,
    ];
    if (this.rejected > 0) parts.push(`${this.rejected} frames rejected`);
    return parts.join('; ');
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.broker.add(await status(`http://127.0.0.1:${this.stack.brokerHttpPort}/health`));
      this.ingest.add(await status(`http://127.0.0.1:${this.stack.ingestHttpPort}/health`));
      for (const edge of this.stack.edges) {
        if (!edge.process) {
          this.edgeBroker.add('edge down');
          continue;
        }
        const health = await fetch(`http://127.0.0.1:${edge.healthPort}/health`)
          .then((r) => r.json() as Promise<{ broker?: { connected?: boolean } }>)
          .catch(() => undefined);
        this.edgeBroker.add(health?.broker?.connected ? 'up' : health ? 'down' : 'edge down');
        const { backlog } = await scrapeEdge(edge).catch(() => ({ backlog: 0 }));
        this.backlogPeak = Math.max(this.backlogPeak, backlog);
      }
      this.rejected = (await this.rejectedTotal()) - this.rejectedAtStart;
    } finally {
      this.busy = false;
    }
  }

  private async rejectedTotal(): Promise<number> {
    let n = 0;
    for (const edge of this.stack.edges) {
      if (!edge.process) continue;
      const text = await fetch(`http://127.0.0.1:${edge.healthPort}/metrics`)
        .then((r) => r.text())
        .catch(() => '');
      for (const m of text.matchAll(/^tidegate_frames_rejected_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
    }
    return n;
  }
}

async function status(url: string): Promise<string> {
  try {
    return String((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status);
  } catch (e) {
    return (e as Error).name === 'TimeoutError' ? 'no answer in 2 s' : 'down';
  }
}
