import { readdirSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { Counter, Gauge, type Registry } from './prometheus.js';

/**
 * The process metrics prom-client's collectDefaultMetrics gave the agent (same names and help texts),
 * read at scrape time. Not kept: the event-loop lag and GC duration histograms, which need a timer and
 * a performance observer running all the time, and the libuv handle and request counts (private APIs).
 */
export function registerProcessMetrics(registry: Registry, prefix: string): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name: prefix + name,
      help,
      registers,
      collect() {
        const value = read();
        if (value !== undefined) (this as Gauge).set(value);
      },
    });
  const cpu = (name: string, help: string, read: (u: NodeJS.CpuUsage) => number) =>
    new Counter({
      name: prefix + name,
      help,
      registers,
      collect() {
        this.reset();
        (this as Counter).inc(read(process.cpuUsage()) / 1e6);
      },
    });
  const startTime = Math.round(Date.now() / 1000 - process.uptime());

  cpu('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', (u) => u.user);
  cpu('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', (u) => u.system);
  cpu('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (u) => u.user + u.system);
  gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => startTime);
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => status('VmRSS'));
  gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', () => status('VmSize'));
  gauge('process_heap_bytes', 'Process heap size in bytes.', () => status('VmData'));
  gauge('process_open_fds', 'Number of open file descriptors.', () => readdirSync('/proc/self/fd').length - 1);
  gauge('process_max_fds', 'Maximum number of open file descriptors.', maxFds);
  gauge(
    'nodejs_heap_size_total_bytes',
    'Process heap size from Node.js in bytes.',
    () => process.memoryUsage().heapTotal,
  );
  gauge(
    'nodejs_heap_size_used_bytes',
    'Process heap size used from Node.js in bytes.',
    () => process.memoryUsage().heapUsed,
  );
  gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', () => process.memoryUsage().external);
  for (const [kind, field] of [
    ['total', 'space_size'],
    ['used', 'space_used_size'],
    ['available', 'space_available_size'],
  ] as const)
    new Gauge({
      name: `${prefix}nodejs_heap_space_size_${kind}_bytes`,
      help: `Process heap space size ${kind} from Node.js in bytes.`,
      labelNames: ['space'],
      registers,
      collect() {
        for (const space of getHeapSpaceStatistics())
          (this as Gauge<'space'>).set({ space: space.space_name.replace(/_space$/, '') }, space[field]);
      },
    });
  const [major, minor, patch] = process.version.slice(1).split('.');
  new Gauge({
    name: `${prefix}nodejs_version_info`,
    help: 'Node.js version info.',
    labelNames: ['version', 'major', 'minor', 'patch'],
    registers,
  }).set({ version: process.version, major, minor, patch }, 1);
}

/** A /proc/self/status field in bytes (Linux; undefined elsewhere). */
function status(key: string): number | undefined {
  try {
    const kb = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function maxFds(): number | undefined {
  try {
    const limit = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return limit === undefined ? undefined : Number(limit);
  } catch {
    return undefined;
  }
}
