import type { HashforgeModule } from '../app/module.js';
import { registerDemoCommands } from './commands.js';

export const demoModule: HashforgeModule = { name: 'demo', registerCommands: registerDemoCommands };
