/**
 * What a reply looks like once `toWireJson` has written it: bigints (cents, sats) become decimal
 * strings and Dates ISO strings; everything else is as the service returned it. Type-only, so the
 * dashboard can name a reply as `Wire<z.output<typeof SomeReply>>` without bundling zod.
 */
export type Wire<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends readonly (infer E)[]
      ? Wire<E>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/**
 * True when A and B are the same type, as far as drift matters: each assignable to the other and
 * the same keys. Used beside a reply schema to prove it describes the domain type it documents,
 * where the domain type stays a plain interface (model code does not import zod).
 */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;

/** `type _ = Agrees<Same<X, Y>>` fails to compile when the two drift apart. */
export type Agrees<T extends true> = T;
