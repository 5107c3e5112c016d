import type { Command } from 'commander';

/** Commands: watch. */
export function registerDashboardCommands(_program: Command): void {}
