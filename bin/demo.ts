import type { Command } from 'commander';

/** `tidegate demo`: the whole stack on one machine; what `npm start` runs. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole stack on this machine: InfluxDB, broker, ingestor and a gateway with simulated devices')
    .option('--data-dir <dir>', 'where the demo keeps InfluxDB data and the gateway buffer', '.tidegate/demo')
    .action(async (options: { dataDir: string }) => {
      const { runDemo } = await import('./demo/run.js');
      await runDemo(options);
    });
}
