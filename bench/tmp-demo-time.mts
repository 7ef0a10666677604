import { loadDemo } from '../src/demo/load.js';
import { testServer } from '../src/testing/index.js';
const s = await testServer();
s.app.clock.set(process.argv[2] ?? '2022-07-15T00:00:00Z');
const t0 = performance.now(); let last = t0; const c0 = process.cpuUsage();
await loadDemo(s.app, s.app.actor('admin'), (line) => { const t = performance.now(); const c = process.cpuUsage(c0); console.log(`${Math.round(t - last)} ms (cpu total ${Math.round((c.user + c.system) / 1000)} ms) ${line}`); last = t; });
console.log('total', Math.round(performance.now() - t0), 'ms');
await s.close();
