import { fileURLToPath } from 'node:url';
import { type Service, spawnService, waitFor } from '../../harness/index.js';

const SCRIPT = fileURLToPath(new URL('./gateway-sim.ts', import.meta.url));

/** Starts gateway-sim.ts as a child process and waits until its online status is published. */
export async function spawnSimulatedGateway(options: {
  mqttUrl: string;
  gateway: string;
  site?: string;
  devices?: string[];
  intervalMs?: number;
  username?: string;
  password?: string;
}): Promise<Service> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MQTT_URL: options.mqttUrl,
    GATEWAY: options.gateway,
    SITE: options.site ?? 'test-site',
    DEVICES: (options.devices ?? ['pm-1']).join(','),
    INTERVAL_MS: String(options.intervalMs ?? 500),
  };
  if (options.username) env.MQTT_USERNAME = options.username;
  if (options.password) env.MQTT_PASSWORD = options.password;
  const service = spawnService(process.execPath, ['--import', 'tsx', SCRIPT], { env });
  await waitFor(
    () => service.output().includes('ready') || service.child.exitCode !== null,
    `simulated gateway ${options.gateway} to publish its status`,
    30_000,
  );
  if (!service.output().includes('ready'))
    throw new Error(`simulated gateway ${options.gateway} exited: ${service.output()}`);
  return service;
}
