/** How a long ledger job (verify, rebuild) reports as it goes, phase by phase. */
export interface PhasedProgress<Phase extends string> {
  start(phase: Phase, total: number): void;
  tick(by: number): void;
  stop(): void;
}

/** Progress nobody watches. */
export const silentProgress: PhasedProgress<never> = { start() {}, tick() {}, stop() {} };
