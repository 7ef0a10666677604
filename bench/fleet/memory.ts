/**
 * Where the poller's memory goes, phase by phase: the process's resident set, V8's heap, memory
 * outside the heap (socket and reply buffers), and the embedded database's WebAssembly memory,
 * which lives inside the same process when the database is PGlite. Sampled every 50 ms, so that
 * a phase's peak is seen and not only its end; the kernel's own peak (maxRSS) is printed beside.
 */
import type { PGlite } from '@electric-sql/pglite';

export interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
  /** What V8 has taken from the system for its heap, garbage and the young generation's semi-spaces included. */
  heapTotalMb: number;
  /** Memory V8 does not hold in its heap: Buffers (socket reads, replies), WebAssembly memory. */
  externalMb: number;
  /** The part of `externalMb` in ArrayBuffers and Buffers (socket reads, replies, query results). */
  arrayBuffersMb: number;
  /** The embedded PGlite's WebAssembly memory (it grows and never shrinks); 0 on a server database. */
  wasmMb: number;
}

export interface PhaseMemory extends MemoryFigures {
  phase: string;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function sample(pglite: PGlite | undefined): MemoryFigures {
  const m = process.memoryUsage();
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    wasmMb: pglite ? mb(pglite.Module.HEAPU8.byteLength) : 0,
  };
}

/** Peaks of each figure per phase; `phase(name)` closes the current phase under that name. */
export class MemoryWatch {
  private peak: MemoryFigures;
  private readonly timer: NodeJS.Timeout;
  readonly phases: PhaseMemory[] = [];

  constructor(private readonly pglite?: PGlite) {
    this.peak = sample(pglite);
    this.timer = setInterval(() => this.observe(), 50);
    this.timer.unref();
  }

  private observe(): void {
    const now = sample(this.pglite);
    for (const key of Object.keys(now) as (keyof MemoryFigures)[]) {
      if (now[key] > this.peak[key]) this.peak[key] = now[key];
    }
  }

  phase(name: string): void {
    this.observe();
    this.phases.push({ phase: name, ...this.peak });
    this.peak = sample(this.pglite);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** One line per phase; with `databaseCreationRssMb`, a last line for the process that created the database. */
export function describeMemory(phases: PhaseMemory[], databaseCreationRssMb?: number): string {
  const lines = phases.map(
    (p) =>
      `    ${p.phase.padEnd(10)} peak RSS ${p.rssMb} MB (V8 heap ${p.heapUsedMb} used of ${p.heapTotalMb}, outside the heap ${p.externalMb} of which Buffers ${p.arrayBuffersMb}, PGlite's WebAssembly ${p.wasmMb})`,
  );
  if (databaseCreationRssMb !== undefined)
    lines.push(
      `    (the embedded database was created beforehand in its own process: peak RSS ${databaseCreationRssMb} MB)`,
    );
  return lines.join('\n');
}
