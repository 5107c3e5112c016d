import { resolve } from 'node:path';
import { startManagedInflux } from '../../broker/influxdb/managed.js';

/**
 * Starts what exists of the stack and keeps it running until Ctrl-C. Each part is started the way an
 * operator would start it, so the demo also shows how the pieces are wired.
 */
export async function runDemo(options: { dataDir: string }): Promise<void> {
  const dataDir = resolve(options.dataDir);
  const influx = await startManagedInflux({ dir: resolve(dataDir, 'influxdb') });
  process.stdout.write(
    `tidegate demo\n  InfluxDB   ${influx.url}  (data in ${influx.dir})\n  Ctrl-C stops everything.\n`,
  );
  await new Promise<void>((done) => {
    const stop = async () => {
      process.stdout.write('\nstopping...\n');
      await influx.stop();
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
