import type { HashforgeModule } from '../app/module.js';

export const agentModule: HashforgeModule = {
  name: 'agent',
  notDerivedTables: {
    agent_forwarded: {
      why: 'which parts of the agents’ spools the database has taken, so a replay stores each once',
      rebuild: 'copy',
    },
    agent_dropped_sweeps: {
      why: 'spooled sweeps made through a cut that replay found overlapping another agent’s, so their later parts are dropped too',
      rebuild: 'copy',
    },
    agent_control_results: {
      why: 'what each machine did with a control sent through its site’s agent, read back by the API',
      rebuild: 'copy',
    },
    agent_presence: {
      why: 'the running agents, their sites and when each last reached the database',
      rebuild: 'copy',
    },
  },
  commands: {
    entries: [
      { name: 'agent', description: 'A site agent: poll some sites’ machines, write to DATABASE_URL' },
    ],
    register: async () => (await import('./commands.js')).registerAgentCommands,
  },
  // The forwarded parts' keys pruned, the measurements' partitions kept while agents poll (background.ts).
  background: async () => (await import('./background.js')).startAgentUpkeep,
};
