import { HotSeatError } from "../error/index.ts";
import { log } from "../log/index.ts";
import type { RebuildTrigger } from "../rehydrate/worker.ts";
import type { Show } from "../show/index.ts";
import type { Space } from "../space/index.ts";
import { sleep } from "../util/index.ts";
import type { Catalogue } from "./catalogue.ts";

export interface RecoveryDeps {
  catalogue: Pick<Catalogue, "loadShow" | "seenDraftRecently">;
  space: Pick<Space, "readShards" | "isArchived" | "acquireRehydrationLock">;
  /** Where a lost show's rebuild is asked for: the API never rebuilds inside a buyer's request. */
  rebuild: RebuildTrigger;
  /** How long a buyer waits for the rebuild before a 503 `rehydrating` (then it polls). */
  rehydrationWaitMs: number;
  /** The rebuild lock's lifetime: its holder renews it while it works, so a dead one's lapses within this. */
  rehydrationLockMs: number;
}

const restoring = () => new HotSeatError("rehydrating", "the show is being restored; retry in a moment");

/** A show the space lost, brought back: asked of the rebuild worker, waited for a little, never done here. */
export class Recovery {
  constructor(private readonly deps: RecoveryDeps) {}

  /**
   * The space lost the show (or a rebuild was interrupted): the rebuild worker is asked for it (once
   * per show however many ask), and the caller waits `rehydrationWaitMs` at most for the show to be
   * back on sale, then gets 503 `rehydrating` (with Retry-After) and polls. A worker that dies leaves
   * its lock to lapse within `rehydrationLockMs`; the next ask after that starts another.
   */
  async recover(cached: Show): Promise<void> {
    const { catalogue, space } = this.deps;
    if (catalogue.seenDraftRecently(cached.id)) throw new HotSeatError("not_on_sale", "this show is not on sale");
    const show = await catalogue.loadShow(cached.id);
    if (show.status !== "on_sale") throw new HotSeatError("not_on_sale", "this show is not on sale");
    // Archived out of the space because it is over: never rebuilt, so nothing to wait for.
    if (await space.isArchived(show.id)) throw new HotSeatError("not_on_sale", "this show is over");
    const deadline = Date.now() + this.deps.rehydrationWaitMs;
    for (;;) {
      await this.requestRebuild(show.id);
      await sleep(50);
      const states = await space.readShards(show.id, show.shards);
      if (states.every((s) => s.status === "on_sale")) return;
      if (Date.now() > deadline) throw restoring();
      await sleep(100);
    }
  }

  /** Asks for the show's rebuild; a trigger that fails is only logged (the next caller or sweep asks again). */
  async requestRebuild(showId: string): Promise<void> {
    await this.deps.rebuild
      .request(showId)
      .catch((e) => log.warn("rebuild.request_failed", { showId, error: String((e as Error)?.message ?? e) }));
  }

  /** The show's rebuild lock, waiting `rehydrationWaitMs` for it at most (then 503 rehydrating). */
  async lockShow(showId: string): Promise<string> {
    const deadline = Date.now() + this.deps.rehydrationWaitMs;
    for (;;) {
      const token = await this.deps.space.acquireRehydrationLock(showId, this.deps.rehydrationLockMs);
      if (token) return token;
      if (Date.now() > deadline) throw restoring();
      await sleep(50);
    }
  }
}
