/**
 * A seeded pseudo-random generator, so that simulations, Monte Carlo runs and demo data come out
 * the same for the same seed (and a failing test can be replayed). Not for secrets.
 *
 * The core is SFC32 (Chris Doty-Humphrey's "small fast chaotic" generator: 128 bits of state,
 * passes PractRand), written here from its published description. The seed is hashed with 32-bit
 * FNV-1a and spread over the four state words with a SplitMix32-style finaliser.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** A uniform integer from min to max, both included. */
  int(min: number, max: number): number;
  /** Normally distributed (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  pick<T>(items: readonly T[]): T;
  /** true with probability p. */
  chance(p: number): boolean;
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mix32(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * SFC32's state in the fields of one object: a simulator draws a generator for every reply, and
 * per-call closures cost more to create than the handful of numbers they would draw.
 */
class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    let counter = fnv1a32(`${typeof seed}:${String(seed)}`);
    counter = (counter + 0x9e3779b9) >>> 0;
    this.a = mix32(counter);
    counter = (counter + 0x9e3779b9) >>> 0;
    this.b = mix32(counter);
    counter = (counter + 0x9e3779b9) >>> 0;
    this.c = mix32(counter);
    counter = (counter + 0x9e3779b9) >>> 0;
    this.d = mix32(counter);
    // The first outputs of SFC32 still show the seed's structure; discard them.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new RangeError(`random.int needs integers min <= max, got ${min} and ${max}.`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  normal(mean = 0, sd = 1): number {
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('random.pick needs at least one item.');
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

export function createRandom(seed: number | string): Random {
  return new Sfc32(seed);
}
