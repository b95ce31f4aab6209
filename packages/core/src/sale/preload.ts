import type { Show } from "../show/index.ts";
import { splitCapacity } from "../show/index.ts";
import type { Space } from "../space/index.ts";
import type { Catalogue } from "./catalogue.ts";
import type { Recovery } from "./recovery.ts";
import { remainingOf } from "./view.ts";

export interface PreloadDeps {
  catalogue: Pick<Catalogue, "loadShow" | "putOnSale" | "forgetList">;
  recovery: Pick<Recovery, "recover" | "lockShow">;
  space: Pick<Space, "readShards" | "markOnSale" | "loadShard" | "releaseRehydrationLock">;
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
  let show: Show = await catalogue.loadShow(showId);
  const states = await space.readShards(show.id, show.shards);
  if (states.every((s) => s.exists)) {
    await space.markOnSale(show.id);
    return { showId, remaining: remainingOf(states) };
  }
  if (show.status === "on_sale") {
    // It was on sale before: orders may exist, so the space is rebuilt from them.
    await recovery.recover(show);
  } else {
    // Flip the status first: if we crash before the space is loaded, recovery rebuilds from
    // the (empty) order history instead of a second fresh load overselling.
    show = await catalogue.putOnSale(show);
    // Loaded under the rebuild's lock: a buyer elsewhere who saw "on sale" and no shard may be
    // rebuilding already, and a rebuild running beside this load would later replace what sold.
    const token = await recovery.lockShow(show.id);
    try {
      const stock = splitCapacity(show.capacity, show.shards);
      const { maxPerCustomer } = show;
      await Promise.all(stock.map((n, s) => space.loadShard(show.id, s, n, maxPerCustomer)));
      await space.markOnSale(show.id);
    } finally {
      await space.releaseRehydrationLock(show.id, token);
    }
  }
  return { showId, remaining: remainingOf(await space.readShards(show.id, show.shards)) };
}
