import { join } from 'node:path';
import type { DriverModule } from '../../drivers/driver.js';
import type { LoadedConfig } from '../config/load.js';
import { parseConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';

/** A gateway config for tests: fast flushes and reconnects, health on a free port, clock trusted by year. */
export function testConfigYaml(options: {
  dir: string;
  url: string;
  devices: string[];
  buffer?: string;
  mqtt?: string;
  logLevel?: string;
}): string {
  return `gateway: { id: gw-test, site: test-site }
mqtt: { url: ${options.url}, reconnectMin: 100ms, reconnectMax: 400ms, statusEvery: 1s${options.mqtt ? `, ${options.mqtt}` : ''} }
buffer: { path: ${join(options.dir, 'buffer.db')}, flushEvery: 100ms${options.buffer ? `, ${options.buffer}` : ''} }
clock: { check: year }
health: { listen: '127.0.0.1:0', logLevel: ${options.logLevel ?? 'warn'} }
devices:
${options.devices.map((d) => `  - ${d}`).join('\n') || '  []'}
`;
}

export async function testConfig(yaml: string, drivers?: ReadonlyMap<string, DriverModule>): Promise<LoadedConfig> {
  const result = await parseConfig('test.yaml', yaml, { drivers });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}
