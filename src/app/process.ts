import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** A process as another process finds it: the host it runs on and its pid there. */
export interface ProcessId {
  host: string;
  pid: number;
}

export const thisProcess = (): ProcessId => ({ host: hostname(), pid: process.pid });

/**
 * Whether a process with this pid is alive on this host. One we may not signal (another user's)
 * exists all the same; a pid the system has given to a new process since reads as alive too, so
 * callers that hold something for a process also bound how long they believe it.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When this process started, in ms since the epoch: with its pid, it tells it from a later process given the same pid. */
export const thisProcessStarted = (): number => Math.round(performance.timeOrigin);

/**
 * Whether the process that recorded (`pid`, `started`) is still the one running under `pid`: alive,
 * and — where the system says when a process started (Linux's /proc) — started then, give or take
 * the two seconds its clocks may disagree by. A pid reused since (a container restarted, its
 * `serve` pid 1 again) is not it.
 */
export function sameProcess(pid: number, started: number | undefined): boolean {
  if (!processAlive(pid)) return false;
  if (started === undefined) return true;
  const now = pid === process.pid ? thisProcessStarted() : startedOnLinux(pid);
  return now === undefined || Math.abs(now - started) <= 2000;
}

/** A process's start from /proc: clock ticks (USER_HZ, 100 on every Linux) after boot. */
function startedOnLinux(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
