import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection on demand, without starting the test workers with --expose-gc: a context
// made after the flag is set has `gc`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The heap in use once everything unreachable is collected: what a piece of code keeps, not the
 * garbage it made and a collection has not reached yet. Tests that prove something holds nothing
 * compare it before and after.
 */
export function retainedHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
