import type { Command } from 'commander';

/** Gateway-side commands: edge, check, init, probe, ports. */
export function registerEdgeCommands(_program: Command): void {}
