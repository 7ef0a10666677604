/**
 * Seeded randomness for scenarios: the same seed gives the same paths on every machine, so a saved
 * scenario run again gives the same figures. xoshiro128** (Blackman and Vigna's public-domain
 * generator, 32-bit state words, fast in JavaScript) seeded through splitmix32; normals by the
 * Box-Muller transform.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Uniform whole number in [0, n). */
  below(n: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A scenario draws a generator for each path (10,000 in a run): one object whose methods are shared
 * by all of them, rather than a closure per method and path.
 */
class Xoshiro128 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The second normal of the last Box-Muller pair, NaN when used. */
  private spare = Number.NaN;

  constructor(seed: number) {
    const init = splitmix32(seed);
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
  }

  private next32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  next(): number {
    return this.next32() / 4_294_967_296;
  }

  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

export function seededRandom(seed: number): Random {
  return new Xoshiro128(seed);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
