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
