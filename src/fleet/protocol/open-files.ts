/** How many files this process may open: every socket to a miner, and every listener of the simulator, is one. */
import { readFileSync } from 'node:fs';

/** How many files this process may open (`ulimit -n`), from /proc on Linux; 1024 where it cannot tell. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) && soft > 0 ? soft : 1024;
  } catch {
    return 1024;
  }
}
