import { registerEdgeCommands } from '../edge/cli.js';
import { runProgram } from './program.js';

/**
 * `tidegate edge`'s entry in the gateway's bundle (scripts/bundle-edge.mjs): the gateway commands only,
 * so the agent does not build the broker's, the drivers' and the demo's command definitions.
 */
runProgram(registerEdgeCommands);
