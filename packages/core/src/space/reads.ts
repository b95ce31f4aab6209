// Reads of the Redis space: shard states, the sales chart, and finding an order by id or by its buyer.
import type { OrderRecord } from "../order/index.ts";
import type { SpaceClient } from "./client.ts";
import { customerOrdersKey, orderIndexKey, shardKeys } from "./keys.ts";
import type { ShardState } from "./port.ts";
import { parseRecord, pendingMember, sumTimelines } from "./records.ts";

export async function readShards(redis: SpaceClient, showId: string, shards: number): Promise<ShardState[]> {
  return Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const k = shardKeys(showId, shard);
      const [status, stock, sold, pendingTickets, inTransit, pendingOrders, oldest, ...returns] =
        (await redis.readShard(k.inventory, k.lent, k.pending, k.holds)) as [
          string | null,
          number,
          number,
          number,
          number,
          number,
          string | null,
          ...(number | string | null)[],
        ];
      const [
        held = 0,
        expired = 0,
        cancelled = 0,
        refunded = 0,
        nextHold = null,
        spaceNow = Date.now(),
        releasing = 0,
      ] = returns;
      return {
        shard,
        exists: status !== null,
        status,
        stock,
        inTransit,
        sold,
        held: Number(held),
        expired: Number(expired),
        cancelled: Number(cancelled),
        refunded: Number(refunded),
        releasing: Number(releasing),
        nextHoldDeadline: nextHold === null ? null : Number(nextHold),
        spaceNow: Number(spaceNow),
        pendingTickets,
        pendingOrders,
        oldestPendingAt: oldest === null ? null : Number(oldest),
      };
    }),
  );
}

/** Tickets sold per timeline bucket since `sinceMs`, over all shards, oldest first, zero-filled up to now. */
export async function salesTimeline(
  redis: SpaceClient,
  showId: string,
  shards: number,
  sinceMs: number,
  nowMs = Date.now(),
) {
  // One call per shard, not one pipeline: the shards sit in different slots, which a cluster may place on
  // different nodes, and an ioredis cluster pipeline refuses keys of more than one node (auto-pipelining still
  // batches the calls per node).
  const replies = await Promise.all(
    Array.from({ length: shards }, (_, s) => redis.hgetall(shardKeys(showId, s).timeline)),
  );
  return sumTimelines(replies, sinceMs, nowMs);
}

/** Where to find an order by id, and the buyer's recent orders (for `GET /me/orders` before the index has them). */
export async function indexOrder(
  redis: SpaceClient,
  order: Pick<OrderRecord, "id" | "showId" | "customerId" | "createdAt">,
  shard: number,
) {
  const recent = customerOrdersKey(order.customerId);
  await Promise.all([
    redis.set(orderIndexKey(order.id), `${order.showId}\n${shard}`, "EX", 7 * 24 * 3600),
    redis.zadd(recent, Date.parse(order.createdAt), order.id),
    redis.expire(recent, 24 * 3600),
  ]);
}

/** The buyer's orders taken in the last day, newest first (at most `limit`). */
export async function recentOrderIds(redis: SpaceClient, customerId: string, limit = 100): Promise<string[]> {
  const key = customerOrdersKey(customerId);
  return redis.zrevrangebyscore(key, "+inf", Date.now() - 24 * 3600 * 1000, "LIMIT", 0, limit);
}

/** Which show and shard hold an order, while the space holds it. */
export async function locateOrder(
  redis: SpaceClient,
  orderId: string,
): Promise<{ showId: string; shard: number } | null> {
  const where = await redis.get(orderIndexKey(orderId));
  if (!where) return null;
  const [showId = "", shard = "0"] = where.split("\n");
  return { showId, shard: Number(shard) };
}

/** An order still in the space (found by its index, or in the shard `where` names), or null. */
export async function findOrder(
  redis: SpaceClient,
  orderId: string,
  where?: { showId: string; shard: number } | null,
): Promise<{ record: OrderRecord; pending: boolean } | null> {
  where ??= await locateOrder(redis, orderId);
  if (!where) return null;
  const k = shardKeys(where.showId, where.shard);
  const json = await redis.hget(k.orders, orderId);
  if (!json) return null;
  const record = parseRecord(json);
  return { record, pending: (await redis.zscore(k.pending, pendingMember(record))) !== null };
}
