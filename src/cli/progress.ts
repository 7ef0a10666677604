import cliProgress from 'cli-progress';

export interface Progress {
  tick(by?: number): void;
  stop(): void;
}

/** A progress bar on stderr for long work; silent when stderr is not a terminal (CI, pipes). */
export function progress(total: number, label: string): Progress {
  if (!process.stderr.isTTY) {
    return { tick: () => {}, stop: () => process.stderr.write(`${label}: ${total} done\n`) };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta}s`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (by = 1) => bar.increment(by), stop: () => bar.stop() };
}
