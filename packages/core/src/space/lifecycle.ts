// A shard's lifecycle on Redis: loaded, frozen, rebuilt, archived; the set of shows on sale; the rebuild's lock.
import { HotSeatError } from "../error/index.ts";
import { newUlid } from "../id/index.ts";
import type { SpaceClient } from "./client.ts";
import { archivedKey, onSaleKey, rebuildRequestedKey, rehydrationLockKey, shardKeys } from "./keys.ts";
import type { ShardSnapshot } from "./port.ts";
import { fingerprintOf, idempotencyField, timelineOf } from "./records.ts";

export async function loadShard(
  redis: SpaceClient,
  showId: string,
  shard: number,
  stock: number,
  maxPerCustomer: number,
): Promise<boolean> {
  const k = shardKeys(showId, shard);
  return Number(await redis.loadShard(k.inventory, stock, maxPerCustomer, shard)) === 1;
}

export async function freezeShard(redis: SpaceClient, showId: string, shard: number): Promise<boolean> {
  return Number(await redis.freezeShard(shardKeys(showId, shard).inventory)) === 1;
}

/** Replaces a shard whole, in one MULTI (all keys share the shard's slot). */
export async function rebuildShard(
  redis: SpaceClient,
  showId: string,
  shard: number,
  snap: ShardSnapshot,
): Promise<void> {
  const k = shardKeys(showId, shard);
  const tx = redis.multi();
  tx.del(k.inventory, k.customers, k.idempotency, k.orders, k.pending, k.lent, k.received, k.timeline, k.holds);
  if (snap.customers.size > 0) tx.hset(k.customers, Object.fromEntries(snap.customers));
  const timeline = timelineOf(snap.orders);
  if (timeline.size > 0) tx.hset(k.timeline, Object.fromEntries(timeline));
  const chunk = 1000;
  for (let i = 0; i < snap.orders.length; i += chunk) {
    const part = snap.orders.slice(i, i + chunk);
    tx.hset(k.orders, Object.fromEntries(part.map((o) => [o.id, JSON.stringify(o)])));
    tx.hset(
      k.idempotency,
      Object.fromEntries(
        part.map((o) => [idempotencyField(o.customerId, o.idempotencyKey), `${fingerprintOf(o.quantity)}\n${o.id}`]),
      ),
    );
  }
  const held = snap.orders.filter((o) => o.status === "held" && o.holdExpiresAt);
  for (let i = 0; i < held.length; i += chunk)
    tx.zadd(k.holds, ...held.slice(i, i + chunk).flatMap((o) => [Date.parse(o.holdExpiresAt ?? ""), o.id]));
  tx.hset(k.inventory, {
    stock: snap.stock,
    sold: snap.sold,
    held: snap.held,
    expired: snap.expired,
    cancelled: snap.cancelled,
    refunded: snap.refunded,
    gen: snap.generation,
    pendingTickets: 0,
    max: snap.max,
    shard,
    status: "on_sale",
  });
  const results = await tx.exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error("rebuild transaction aborted");
}

/** Frees one shard of a finished show if nothing of it lives only in the space (see ARCHIVE_SHARD). */
export async function archiveShard(redis: SpaceClient, showId: string, shard: number): Promise<boolean> {
  const k = shardKeys(showId, shard);
  const keys = [k.inventory, k.customers, k.idempotency, k.orders, k.pending, k.lent, k.received, k.timeline, k.holds];
  return Number(await redis.archiveShard(...keys)) === 1;
}

/** Marks a show archived (before any of its shards is freed, so a buyer who finds one gone is not rebuilt). */
export async function markArchived(redis: SpaceClient, showId: string, atIso: string): Promise<void> {
  await redis.set(archivedKey(showId), atIso);
}

export async function isArchived(redis: SpaceClient, showId: string): Promise<boolean> {
  return (await redis.exists(archivedKey(showId))) === 1;
}

export async function markOnSale(redis: SpaceClient, showId: string): Promise<void> {
  await redis.sadd(onSaleKey, showId);
}

export async function unmarkOnSale(redis: SpaceClient, showId: string): Promise<void> {
  await redis.srem(onSaleKey, showId);
}

export async function showsOnSale(redis: SpaceClient): Promise<string[]> {
  return redis.smembers(onSaleKey);
}

/**
 * Single-flight: the lock expires on its own if its holder dies. A show archived out of the space is over: no
 * rebuild brings it back, and whoever asks (a buyer, a payment, the sweeper) is told it is not on sale.
 */
export async function acquireRehydrationLock(
  redis: SpaceClient,
  showId: string,
  ttlMs: number,
): Promise<string | null> {
  const token = newUlid();
  const ok = await redis.acquireLock(rehydrationLockKey(showId), archivedKey(showId), token, ttlMs);
  if (ok === "archived") throw new HotSeatError("not_on_sale", "this show is over");
  return ok === "OK" ? token : null;
}

export async function extendRehydrationLock(
  redis: SpaceClient,
  showId: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  const extended = await redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
    1,
    rehydrationLockKey(showId),
    token,
    ttlMs,
  );
  return Number(extended) === 1;
}

export async function holdsRehydrationLock(redis: SpaceClient, showId: string, token: string): Promise<boolean> {
  return (await redis.get(rehydrationLockKey(showId))) === token;
}

export async function releaseRehydrationLock(redis: SpaceClient, showId: string, token: string): Promise<void> {
  const key = rehydrationLockKey(showId);
  await redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
    1,
    key,
    token,
  );
}

export async function isRehydrating(redis: SpaceClient, showId: string): Promise<boolean> {
  return (await redis.exists(rehydrationLockKey(showId))) === 1;
}

export async function firstRebuildRequest(redis: SpaceClient, showId: string, everyMs: number): Promise<boolean> {
  return (await redis.set(rebuildRequestedKey(showId), "1", "PX", everyMs, "NX")) === "OK";
}
