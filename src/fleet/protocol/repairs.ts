/**
 * What the decoder had to fix in a reply, counted per kind and rendered as sentences, so that the
 * raw bytes can be judged later ("this miner's firmware always emits nan") without keeping them.
 */
export type RepairKind =
  | 'invalid-utf8'
  | 'leading-garbage'
  | 'leading-comma'
  | 'control-bytes'
  | 'nan-inf'
  | 'missing-comma'
  | 'extra-comma'
  | 'bad-escape'
  | 'truncated'
  | 'trailing-data'
  | 'text-unterminated'
  | 'text-unbalanced-brackets';

const TEXT: Record<RepairKind, (n: number) => string> = {
  'invalid-utf8': (n) => `replaced ${n} invalid UTF-8 sequence(s) with U+FFFD`,
  'leading-garbage': (n) => `skipped ${n} byte(s) of garbage before the JSON value`,
  'leading-comma': () => `reply began with ',' instead of '{' (Avalon defect); read it as '{'`,
  'control-bytes': (n) => `removed ${n} stray control byte(s)`,
  'nan-inf': (n) => `replaced ${n} bare nan/inf number(s) with null`,
  'missing-comma': (n) => `inserted ${n} missing comma(s) between values (e.g. '}{')`,
  'extra-comma': (n) => `dropped ${n} extra comma(s) (e.g. ',}' or '[,')`,
  'bad-escape': (n) => `kept ${n} invalid escape sequence(s) as plain characters`,
  truncated: (n) => `reply was truncated: cut back to the last complete value and closed ${n} bracket(s)`,
  'trailing-data': (n) => `ignored ${n} byte(s) after the JSON value`,
  'text-unterminated': () => `text reply did not end with '|': its last record was read as it came`,
  'text-unbalanced-brackets': (n) => `split ${n} text record(s) with unbalanced '[' at every comma`,
};

export class RepairLog {
  /** Made on the first repair: nearly every reply needs none, and a map each was garbage per poll. */
  private counts: Map<RepairKind, number> | undefined;

  add(kind: RepairKind, n = 1): void {
    this.counts ??= new Map();
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  has(kind: RepairKind): boolean {
    return this.counts?.has(kind) ?? false;
  }

  get size(): number {
    return this.counts?.size ?? 0;
  }

  list(): string[] {
    return this.counts === undefined ? [] : [...this.counts].map(([kind, n]) => TEXT[kind](n));
  }
}
