import type { Show } from "../show/index.ts";
import type { Space } from "./port.ts";

/** How long after a show starts its orders may still change (late payments, refunds at the door) before it is freed. */
export const ARCHIVE_AFTER_MS = 24 * 3600 * 1000;

export interface ArchiveResult {
  /** Shows freed from the space this run. */
  archived: string[];
  /** Finished shows kept for now: an order not yet persisted, a hold not yet lapsed, a loan in transit. */
  waiting: string[];
}

/**
 * The sweeper's step that frees the space of finished shows (the space has no expiry and `noeviction`: without it,
 * a few hundred thousand orders fill a node and every purchase then fails). A show whose event started more than
 * `afterMs` ago is marked archived, then each shard is freed only once nothing of it lives only here (checked and
 * deleted atomically per shard). DynamoDB keeps every order; an archived show is never rebuilt into the space.
 */
export async function archiveFinishedShows(
  space: Space,
  settings: (showId: string) => Promise<Pick<Show, "id" | "startsAt" | "shards"> | null>,
  options: { afterMs?: number; nowMs?: number } = {},
): Promise<ArchiveResult> {
  const now = options.nowMs ?? Date.now();
  const after = options.afterMs ?? ARCHIVE_AFTER_MS;
  const result: ArchiveResult = { archived: [], waiting: [] };
  for (const showId of await space.showsOnSale()) {
    const show = await settings(showId).catch(() => null);
    if (!show || Date.parse(show.startsAt) + after > now) continue;
    const states = await space.readShards(show.id, show.shards);
    // Most finished shows are quiet; one still draining waits for the next run before it is marked.
    if (states.some((s) => s.exists && (s.pendingOrders > 0 || s.inTransit > 0 || s.held > 0))) {
      result.waiting.push(show.id);
      continue;
    }
    await space.markArchived(show.id, new Date(now).toISOString());
    const freed = await Promise.all(states.map((s) => space.archiveShard(show.id, s.shard)));
    if (freed.every(Boolean)) {
      await space.unmarkOnSale(show.id);
      result.archived.push(show.id);
    } else result.waiting.push(show.id);
  }
  return result;
}
