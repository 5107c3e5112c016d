import { registerBrokerCommands } from '../broker/cli.js';
import { registerDriverCommands } from '../drivers/cli.js';
import { registerEdgeCommands } from '../edge/cli.js';
import { registerDemoCommand } from './demo.js';
import { runProgram } from './program.js';

/** One entry, many commands: each folder registers its own; this file only dispatches. */
runProgram((program) => {
  registerEdgeCommands(program);
  registerDriverCommands(program, {
    pseudonymiser: async (keyFile) => (await import('../edge/commands/pseudonymiser.js')).pseudonymiser(keyFile),
  });
  registerBrokerCommands(program);
  registerDemoCommand(program);
});
