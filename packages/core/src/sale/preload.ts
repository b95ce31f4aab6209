import type { Show } from "../show/index.ts";
import { splitCapacity } from "../show/index.ts";
import type { Space } from "../space/index.ts";
import type { Catalogue } from "./catalogue.ts";
import type { ShowStore } from "./ports.ts";
import type { Recovery } from "./recovery.ts";
import { remainingOf } from "./view.ts";

export interface PreloadDeps {
  catalogue: Pick<Catalogue, "loadShow" | "putOnSale" | "forgetList">;
  recovery: Pick<Recovery, "recover" | "lockShow">;
  space: Pick<Space, "readShards" | "markOnSale" | "loadShard" | "holdsRehydrationLock" | "releaseRehydrationLock">;
  /** The show's one fresh load, claimed in the store: whoever does not win it rebuilds from the orders. */
  shows: Pick<ShowStore, "claimFirstLoad">;
}

/** Loads the show's inventory into the space and puts it on sale. Safe to repeat. */
export async function preloadShow(deps: PreloadDeps, showId: string): Promise<{ showId: string; remaining: number }> {
  try {
    return await loadInventory(deps, showId);
  } finally {
    deps.catalogue.forgetList(); // the list shows the new status and count at once, here
  }
}

async function loadInventory(deps: PreloadDeps, showId: string): Promise<{ showId: string; remaining: number }> {
  const { catalogue, recovery, space } = deps;
  const show: Show = await catalogue.loadShow(showId);
  const states = await space.readShards(show.id, show.shards);
  if (states.every((s) => s.exists)) {
    await space.markOnSale(show.id);
    return { showId, remaining: remainingOf(states) };
  }
  if (show.status === "on_sale" || !(await loadFresh(deps, await catalogue.putOnSale(show)))) {
    // It was on sale before, or it went on sale and another loaded or rebuilt it meanwhile: orders may
    // exist, so the space is rebuilt from them.
    await recovery.recover(show);
  }
  return { showId, remaining: remainingOf(await space.readShards(show.id, show.shards)) };
}

/**
 * The first load of full stock. The status was flipped first: if we crash before the space is loaded,
 * recovery rebuilds from the (empty) order history instead of a second fresh load overselling. It is
 * done under the rebuild's lock, since a buyer elsewhere who saw "on sale" and no shard may be
 * rebuilding already, and only by whoever claims the show's one first load in the store. Without the
 * claim, a preload that waited for the lock while a buyer's recovery rebuilt the show, tickets sold and
 * the space lost the show again would load full stock over those sales. False when the claim is lost.
 */
async function loadFresh(deps: PreloadDeps, show: Show): Promise<boolean> {
  const { recovery, space } = deps;
  const token = await recovery.lockShow(show.id);
  try {
    const states = await space.readShards(show.id, show.shards);
    if (states.every((s) => s.exists)) {
      await space.markOnSale(show.id); // loaded or rebuilt while we waited for the lock
      return true;
    }
    if (!(await deps.shows.claimFirstLoad(show.id))) return false;
    // The lock is not renewed here: one that lapsed while this process was paused belongs to another now.
    if (!(await space.holdsRehydrationLock(show.id, token))) return false;
    const stock = splitCapacity(show.capacity, show.shards);
    const { maxPerCustomer } = show;
    await Promise.all(stock.map((n, s) => space.loadShard(show.id, s, n, maxPerCustomer)));
    await space.markOnSale(show.id);
    return true;
  } finally {
    await space.releaseRehydrationLock(show.id, token);
  }
}
