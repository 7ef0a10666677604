/**
 * CPU time of other processes on this Linux machine, from /proc: the simulated fleet's process
 * tree and the PostgreSQL server. A sweep's wall time on two cores is bounded by everyone's CPU
 * together, so the bench shows who spent it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ) on every architecture it runs here. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      comm: text.slice(text.indexOf('(') + 1, close),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined; // gone since the directory was listed
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
}

/** CPU seconds used so far by a process and every process below it. */
export function treeCpuSeconds(root: number): number {
  const all = allProcesses();
  const inTree = new Set([root]);
  // Parents have lower pids only usually, so repeat until the set stops growing.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid)).reduce((s, p) => s + p.cpuSeconds, 0);
}

/** CPU seconds used so far by every process with this command name (`postgres`: the server and its backends). */
export function commandCpuSeconds(comm: string): number {
  return allProcesses()
    .filter((p) => p.comm === comm)
    .reduce((s, p) => s + p.cpuSeconds, 0);
}

/**
 * This process's main thread (the one that runs JavaScript) so far, from /proc/self/schedstat: seconds
 * on a core, and seconds runnable but waiting for one. On a machine others load, a sweep's wall
 * time is these two and the time the thread slept (waiting on sockets, timers, slots): only the
 * last is the poller's own doing.
 */
export function mainThreadSchedule(): { onCpuSeconds: number; waitedSeconds: number } {
  const [onCpu, waited] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
  return { onCpuSeconds: onCpu! / 1e9, waitedSeconds: waited! / 1e9 };
}
