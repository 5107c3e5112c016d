import type { Command } from 'commander';
import { registerDashboardCommands } from './dashboard/cli.js';
import { registerExportCommands } from './export/cli.js';
import { registerServerCommands } from './server/cli.js';

/** Platform-side commands: broker, ingest, influx setup (server/), export (export/), watch (dashboard/). */
export function registerBrokerCommands(program: Command): void {
  registerServerCommands(program);
  registerExportCommands(program);
  registerDashboardCommands(program);
}
