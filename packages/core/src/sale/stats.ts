import type { Show } from "../show/index.ts";
import { type Space, type SpaceMemory, TIMELINE_BUCKET_MS } from "../space/index.ts";
import type { Catalogue } from "./catalogue.ts";
import type { OrderStore } from "./ports.ts";
import { showView } from "./view.ts";

/** How far back the sales timeline goes. */
const TIMELINE_SPAN_MS = 5 * 60_000;

export interface StatsDeps {
  catalogue: Pick<Catalogue, "loadShow">;
  space: Pick<Space, "readShards" | "salesTimeline" | "memory">;
  orders: Pick<OrderStore, "projectedSold">;
}

export interface ShowStats {
  showId: string;
  status: Show["status"];
  capacity: number;
  remaining: number;
  /** Tickets out of stock now: held plus confirmed. */
  sold: number;
  held: number;
  confirmed: number;
  /** Tickets given back, ever, by lapsed holds, cancellations and refunds. */
  expired: number;
  cancelled: number;
  refunded: number;
  /** Given back by a change not yet in the pump: on sale once it is (see `ShardState.releasing`). */
  releasing: number;
  /** Tickets taken, ever (returns included). */
  taken: number;
  /** Of those taken, the ones whose order DynamoDB holds at its current status. */
  persisted: number;
  pending: number;
  pendingOrders: number;
  oldestPendingMs: number | null;
  projectedSold: number;
  shards: number;
  at: string;
  /** Tickets sold per bucket over the last five minutes, oldest first (`at` is the bucket's start, epoch ms). */
  timeline: { bucketMs: number; buckets: { at: number; tickets: number }[] };
  /** The space's memory (every show's): a full space refuses every purchase, so the operator watches it. */
  space: SpaceMemory;
}

/** The operator's figures for a show: the space's live counts beside what the writer has projected. */
export async function showStats(deps: StatsDeps, showId: string): Promise<ShowStats> {
  const show = await deps.catalogue.loadShow(showId);
  const now = Date.now();
  const [states, projectedSold, buckets, space] = await Promise.all([
    deps.space.readShards(show.id, show.shards),
    deps.orders.projectedSold(showId),
    deps.space.salesTimeline(show.id, show.shards, now - TIMELINE_SPAN_MS + TIMELINE_BUCKET_MS, now),
    deps.space.memory(),
  ]);
  const total = (field: "sold" | "held" | "expired" | "cancelled" | "refunded" | "releasing" | "pendingTickets") =>
    states.reduce((n, s) => n + s[field], 0);
  const taken = total("sold");
  const pending = total("pendingTickets");
  const returned = total("expired") + total("cancelled") + total("refunded");
  const oldest = states.reduce<number | null>(
    (min, s) =>
      s.oldestPendingAt === null ? min : min === null ? s.oldestPendingAt : Math.min(min, s.oldestPendingAt),
    null,
  );
  return {
    showId,
    status: show.status,
    capacity: show.capacity,
    remaining: showView(show, states).remaining,
    sold: taken - returned,
    held: total("held"),
    confirmed: taken - returned - total("held"),
    expired: total("expired"),
    cancelled: total("cancelled"),
    refunded: total("refunded"),
    releasing: total("releasing"),
    taken,
    persisted: taken - pending,
    pending,
    pendingOrders: states.reduce((sum, s) => sum + s.pendingOrders, 0),
    oldestPendingMs: oldest === null ? null : Math.max(0, Date.now() - oldest),
    projectedSold,
    shards: show.shards,
    at: new Date(now).toISOString(),
    timeline: { bucketMs: TIMELINE_BUCKET_MS, buckets },
    space,
  };
}
