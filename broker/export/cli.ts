import type { Command } from 'commander';

/** Commands: export. */
export function registerExportCommands(_program: Command): void {}
