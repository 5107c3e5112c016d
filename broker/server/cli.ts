import type { Command } from 'commander';

/** Commands: broker, broker user, ingest, influx setup. */
export function registerServerCommands(_program: Command): void {}
