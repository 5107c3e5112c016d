/**
 * The few Prometheus counters and gauges of the gateway agent, in the text exposition format 0.0.4,
 * written out the way prom-client writes them (same lines, same order). The agent used prom-client;
 * its module graph (cluster, perf_hooks, OpenTelemetry's API) cost about 8 MiB of a Raspberry Pi's
 * memory for a dozen metrics. The broker keeps prom-client.
 */

type Labels<T extends string> = Partial<Record<T, string | number>>;

export interface MetricValue<T extends string = string> {
  labels: Labels<T>;
  value: number;
}

export interface MetricOptions<T extends string> {
  name: string;
  help: string;
  labelNames?: readonly T[];
  registers?: Registry[];
  /** Called before every read (a scrape, get()) to refresh the values; `this` is the metric. */
  collect?: (this: Counter<T> | Gauge<T>) => void;
}

abstract class Metric<T extends string = string> {
  abstract readonly type: 'counter' | 'gauge';
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly T[];
  private readonly collector?: (this: Counter<T> | Gauge<T>) => void;
  private values = new Map<string, MetricValue<T>>();

  constructor(options: MetricOptions<T>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    this.collector = options.collect;
    this.reset();
    for (const registry of options.registers ?? []) registry.register(this);
  }

  /** Forgets every labelled value; a metric without labels goes back to 0. */
  reset(): void {
    this.values = new Map();
    if (this.labelNames.length === 0) this.values.set('', { labels: {}, value: 0 });
  }

  /** Applies `apply` to the value of these labels (none: the unlabelled value), 0 if new. */
  protected change(
    labels: Labels<T> | number | undefined,
    value: number | undefined,
    apply: (old: number, n: number) => number,
  ) {
    const [set, n] = typeof labels === 'object' ? [labels, value ?? 1] : [{} as Labels<T>, labels ?? 1];
    for (const key of Object.keys(set))
      if (!this.labelNames.includes(key as T))
        throw new Error(`Added label "${key}" is not included in initial labelset`);
    const key = this.labelNames.map((l) => (set[l] === undefined ? '' : `${l}:${set[l]}`)).join(',');
    const entry = this.values.get(key);
    if (entry) entry.value = apply(entry.value, n);
    else this.values.set(key, { labels: set, value: apply(0, n) });
  }

  async get(): Promise<{ name: string; help: string; type: string; values: MetricValue<T>[] }> {
    this.collector?.call(this as unknown as Counter<T> | Gauge<T>);
    return { name: this.name, help: this.help, type: this.type, values: [...this.values.values()] };
  }

  async text(): Promise<string> {
    const { values } = await this.get();
    const name = escapeText(this.name);
    const lines = [`# HELP ${name} ${escapeText(this.help)}`, `# TYPE ${name} ${this.type}`];
    for (const { labels, value } of values) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${format(value)}`);
    }
    return lines.join('\n');
  }
}

export class Counter<T extends string = string> extends Metric<T> {
  readonly type = 'counter';
  inc(labels?: Labels<T> | number, value?: number): void {
    this.change(labels, value, (old, n) => {
      if (n < 0) throw new Error('It is not possible to decrease a counter');
      return old + n;
    });
  }
}

export class Gauge<T extends string = string> extends Metric<T> {
  readonly type = 'gauge';
  set(labels: Labels<T> | number, value?: number): void {
    this.change(labels, value, (_, n) => n);
  }
  inc(labels?: Labels<T> | number, value?: number): void {
    this.change(labels, value, (old, n) => old + n);
  }
}

/** The metrics of one agent, written in registration order. */
export class Registry {
  readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';
  private readonly entries = new Map<string, { text(): Promise<string> }>();

  register(metric: { name: string; text(): Promise<string> }): void {
    if (this.entries.has(metric.name))
      throw new Error(`A metric with the name ${metric.name} has already been registered.`);
    this.entries.set(metric.name, metric);
  }

  async metrics(): Promise<string> {
    const texts = await Promise.all([...this.entries.values()].map((m) => m.text()));
    return `${texts.join('\n\n')}\n`;
  }
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(value: unknown): unknown {
  return typeof value === 'string' ? escapeText(value).replace(/"/g, '\\"') : value;
}

function format(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}
