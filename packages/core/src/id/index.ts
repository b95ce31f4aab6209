import { monotonicFactory, ulid } from "ulid";

/**
 * ulid's default PRNG asks the OS for one byte per character (16 calls an id), which showed as
 * a large share of a purchase's CPU. One buffer of OS randomness serves many ids instead.
 */
const pool = new Uint8Array(4096);
let next = pool.length;
const pooledRandom = () => {
  if (next >= pool.length) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  return (pool[next++] as number) / 256;
};

/** Sortable and unique within a millisecond: a monotonic id increments the last one, so it is guessable from it. */
export const newUlid = monotonicFactory(pooledRandom);

/**
 * An id nobody can derive from a neighbour's: all 80 random bits are fresh each time. For ids that
 * name something private (an order), where a monotonic id would be one increment from the next buyer's.
 */
export const newSecretUlid = () => ulid(undefined, pooledRandom);
