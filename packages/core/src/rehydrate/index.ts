import { HotSeatError } from "../error/index.ts";
import { newUlid } from "../id/index.ts";
import { log } from "../log/index.ts";
import { isLive, type OrderRecord, rebuildBarrierId } from "../order/index.ts";
import type { PumpPublisher } from "../pump/index.ts";
import type { OrderStore, ShowStore } from "../sale/ports.ts";
import { type Show, splitCapacity } from "../show/index.ts";
import type { Space } from "../space/index.ts";
import { sleep as defaultSleep } from "../util/index.ts";

export {
  inProcessTrigger,
  type RebuildDeps,
  type RebuildOutcome,
  type RebuildTrigger,
  RebuildWorker,
  type RebuildWorkerOptions,
  throttledTrigger,
} from "./worker.ts";

/** What a rebuild reads of the persisted orders: the show's, consistently, and who reached its barrier. */
export type RebuildOrders = Pick<OrderStore, "ofShow" | "barrierShards">;

export type RehydrationDeps = {
  space: Pick<Space, "freezeShard" | "pendingOrders" | "rebuildShard" | "markOnSale">;
  publisher: Pick<PumpPublisher, "publishOrder" | "sendBarrier" | "settledWithinMs">;
  /** How long to wait for the writer to reach the barrier on every pump shard. */
  barrierTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Throws when the caller no longer holds the show's lock (it lapsed while the worker was paused and
   * another took over): called while waiting and right before the space is written, so a worker that
   * lost its lock never replaces what another rebuilt and sold since.
   */
  fence?: () => Promise<void>;
  orders: RebuildOrders;
  /** Numbers each rebuild of a show, so the writer orders their barriers by when they began. */
  shows: Pick<ShowStore, "nextRebuild">;
};

/**
 * Rebuilds a show in the space from DynamoDB. The caller holds the show's rehydration lock.
 * It never trusts a projection that is behind the pump: it freezes what is left of the show,
 * re-publishes its pending orders, then sends a barrier down every pump shard and waits until
 * the writer has persisted everything before it. Only then are the orders counted.
 */
export async function rehydrateShow(deps: RehydrationDeps, show: Show): Promise<{ remaining: number; orders: number }> {
  const sleep = deps.sleep ?? defaultSleep;
  const fence = deps.fence ?? (async () => {});
  const store = deps.orders;
  const shards = Array.from({ length: show.shards }, (_, s) => s);

  // Taken under the lock, before anything else: a worker that lost its lock and goes on has an older number
  // than the one that took over, so its late barrier never moves the writer's fence back (see projectBatch).
  const rebuild = await deps.shows.nextRebuild(show.id);
  const frozenAt = Date.now();
  await Promise.all(shards.map((s) => deps.space.freezeShard(show.id, s)));
  for (const s of shards) {
    const pending = await deps.space.pendingOrders(show.id, s, Number.POSITIVE_INFINITY, 1_000_000);
    const published = await Promise.all(pending.map((o) => deps.publisher.publishOrder(o)));
    if (published.includes(false))
      throw new HotSeatError("unavailable", "the pump is unavailable; rehydration will retry");
  }
  // A take made just before the freeze may still be publishing: the publisher settles every record
  // within its budget (sent by then, or given up and answered 503), so waiting that long means no
  // order from before the freeze can land after the barrier.
  await sleep(deps.publisher.settledWithinMs);

  const barrierId = rebuildBarrierId(rebuild, newUlid());
  await fence();
  // The pump down (a 503, a dropped connection) is the rebuild's retryable failure, never a bare error.
  const pumpShards = await deps.publisher.sendBarrier(barrierId, show.id).catch((e: unknown) => {
    throw new HotSeatError("unavailable", `the pump is unavailable; rehydration will retry (${String(e)})`);
  });
  const deadline = Date.now() + (deps.barrierTimeoutMs ?? 30_000);
  for (;;) {
    const seen = new Set(await store.barrierShards(barrierId));
    if (pumpShards.every((id) => seen.has(id))) break;
    if (Date.now() > deadline)
      throw new HotSeatError("rehydrating", "waiting for the pump to drain before rebuilding the show");
    await fence();
    await sleep(100);
  }

  const orders = await store.ofShow(show.id);
  const perShard = shards.map(() => ({
    sold: 0,
    held: 0,
    expired: 0,
    cancelled: 0,
    refunded: 0,
    customers: new Map<string, number>(),
    orders: [] as OrderRecord[],
  }));
  let live = 0;
  for (const o of orders) {
    const slot = perShard[o.shard] ?? perShard[0];
    if (!slot) continue;
    slot.sold += o.quantity;
    slot.orders.push(o);
    // Held orders are held again with their own deadline (a lapsed one is reclaimed at the first read).
    if (o.status === "held") slot.held += o.quantity;
    if (isLive(o.status)) {
      slot.customers.set(o.customerId, (slot.customers.get(o.customerId) ?? 0) + o.quantity);
      live += o.quantity;
    } else slot[o.status as "expired" | "cancelled" | "refunded"] += o.quantity;
  }
  // Holds do not run while their show is frozen: nobody can pay for one then (every change answers
  // 503 rehydrating). A hold still live at the freeze gets the frozen time back, so a buyer who
  // retries the payment once the show is back is not refused for our outage. It still counts
  // against stock until its new deadline, so nothing is both held and on sale.
  const frozenFor = Date.now() - frozenAt;
  for (const slot of perShard)
    slot.orders = slot.orders.map((o) => {
      const deadline = Date.parse(o.holdExpiresAt ?? "");
      if (o.status !== "held" || !(deadline > frozenAt)) return o;
      return { ...o, holdExpiresAt: new Date(deadline + frozenFor).toISOString() };
    });
  // More live tickets than the show has is an oversell that already happened (nothing here can undo a sale): said
  // loudly, and the space offers none until enough of them lapse or are given back.
  if (live > show.capacity) log.error("space.oversold", { showId: show.id, live, capacity: show.capacity });
  const remaining = Math.max(0, show.capacity - live);
  const stock = splitCapacity(remaining, show.shards);
  for (const s of shards) {
    const slot = perShard[s];
    if (!slot) continue;
    await fence();
    await deps.space.rebuildShard(show.id, s, {
      stock: stock[s] ?? 0,
      sold: slot.sold,
      held: slot.held,
      expired: slot.expired,
      cancelled: slot.cancelled,
      refunded: slot.refunded,
      generation: barrierId,
      max: show.maxPerCustomer,
      customers: slot.customers,
      orders: slot.orders,
    });
  }
  await fence();
  await deps.space.markOnSale(show.id);
  return { remaining, orders: orders.length };
}
