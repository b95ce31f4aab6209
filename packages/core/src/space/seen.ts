import { LRUCache } from "lru-cache";

/** A shard's generation (set at preload, renewed by every rebuild) and its sequence of takes and loans within it. */
interface Seen {
  gen: string;
  seq: number;
}

/**
 * The highest sequence one process saw each shard at, within its generation. A take passes it to the space, which
 * freezes a shard found behind it: the first take by a process that saw a lost write notices the loss. Both the
 * Redis space and the in-memory one keep this per process (per instance).
 */
export class SeenShards {
  private readonly seen = new LRUCache<string, Seen>({ max: 50_000 });

  get(showId: string, shard: number): Seen | undefined {
    return this.seen.get(`${showId}\n${shard}`);
  }

  saw(showId: string, shard: number, gen: unknown, seq: unknown) {
    if (typeof gen !== "string" || gen === "") return;
    const key = `${showId}\n${shard}`;
    const n = Number(seq);
    const had = this.seen.get(key);
    // Another generation is a rebuild: its sequence starts again, so what was seen before no longer applies.
    if (!had || had.gen !== gen || had.seq < n) this.seen.set(key, { gen, seq: n });
  }
}
