import type { Command } from 'commander';

/** `tidegate demo`: the whole stack on one machine; what `npm start` runs. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole stack on this machine: InfluxDB, broker, ingestor and a gateway with simulated devices')
    .option('--data-dir <dir>', 'where the demo keeps InfluxDB data, the gateway buffer and logs', '.tidegate/demo')
    .option('--influx-url <url>', 'use this InfluxDB instead of starting one')
    .option('--mqtt-port <port>', 'MQTT listener port (0 = any free port)', '0')
    .option('--http-port <port>', 'dashboard, health and MQTT-over-WebSocket port (0 = any free port)', '0')
    .option('-v, --verbose', "print every process's log lines")
    .action(async (options: import('./demo/run.js').DemoOptions) => {
      const { runDemo } = await import('./demo/run.js');
      await runDemo(options);
    });
}
