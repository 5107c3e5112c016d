export { type Agent, type AgentOptions, startAgent } from './agent.js';
