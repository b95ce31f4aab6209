// An order's life after the take, on Redis: holds lapsing, changes of status, and the pending set the writer clears.
import { OrderRecord } from "../order/index.ts";
import type { SpaceClient } from "./client.ts";
import { shardKeys } from "./keys.ts";
import type { ChangeOutcome, OrderAction, PendingCursor, PendingPage } from "./port.ts";
import { parseRecord, parseRecords, pendingMember, RECLAIM_BATCH } from "./records.ts";

/** Returns lapsed holds of one shard to sale (lapsed by the space's clock); the expired orders, to publish. */
export async function reclaimHolds(redis: SpaceClient, showId: string, shard: number): Promise<OrderRecord[]> {
  const k = shardKeys(showId, shard);
  const reply = (await redis.reclaimHolds(
    k.inventory,
    k.customers,
    k.orders,
    k.pending,
    k.holds,
    "",
    "",
    RECLAIM_BATCH,
  )) as unknown[];
  return parseRecords(reply);
}

/** One order's change of status, atomically against its current one (see CHANGE_ORDER). */
export async function changeOrder(
  redis: SpaceClient,
  showId: string,
  shard: number,
  orderId: string,
  action: OrderAction,
  extra: { paymentRef?: string; note?: string } = {},
): Promise<{ outcome: ChangeOutcome; record: OrderRecord | null }> {
  const k = shardKeys(showId, shard);
  const [outcome, json] = (await redis.changeOrder(
    k.inventory,
    k.customers,
    k.orders,
    k.pending,
    k.holds,
    orderId,
    action,
    "",
    "",
    extra.paymentRef ?? "",
    extra.note ?? "",
  )) as [string, string | undefined];
  if (outcome === "unknown_action") throw new Error(`changeOrder: unknown action ${action}`);
  return { outcome: outcome as ChangeOutcome, record: json ? parseRecord(json) : null };
}

/** See `Space.creditReleased`. */
export async function creditReleased(
  redis: SpaceClient,
  showId: string,
  shard: number,
  orderIds: string[],
): Promise<number> {
  if (orderIds.length === 0) return 0;
  return Number(await redis.creditReleased(shardKeys(showId, shard).inventory, ...orderIds));
}

export async function confirmPersisted(
  redis: SpaceClient,
  showId: string,
  shard: number,
  orders: Pick<OrderRecord, "id" | "version" | "quantity">[],
): Promise<number> {
  if (orders.length === 0) return 0;
  const k = shardKeys(showId, shard);
  const args = orders.flatMap((o) => [pendingMember(o), o.quantity]);
  return Number(await redis.confirmPersisted(k.inventory, k.pending, k.orders, ...args));
}

/** Orders whose current version is not yet confirmed persisted, made before `beforeMs`. */
export async function pendingOrders(
  redis: SpaceClient,
  showId: string,
  shard: number,
  beforeMs: number,
  limit = 500,
): Promise<OrderRecord[]> {
  const k = shardKeys(showId, shard);
  const members = await redis.zrangebyscore(k.pending, "-inf", beforeMs, "LIMIT", 0, limit);
  if (members.length === 0) return [];
  const ids = [...new Set(members.map((m) => m.split("#")[0] as string))];
  const jsons = await redis.hmget(k.orders, ...ids);
  return jsons.filter((j): j is string => j !== null).map(parseRecord);
}

export async function pendingPage(
  redis: SpaceClient,
  showId: string,
  shard: number,
  from: PendingCursor,
  beforeMs: number,
  limit: number,
): Promise<PendingPage> {
  const k = shardKeys(showId, shard);
  const min = Number.isFinite(from.score) ? String(from.score) : "-inf";
  const flat = await redis.zrangebyscore(k.pending, min, beforeMs, "WITHSCORES", "LIMIT", from.skip, limit);
  const entries: PendingPage["entries"] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push({ member: flat[i] as string, at: Number(flat[i + 1]) });
  if (entries.length === 0) return { entries, orders: [] };
  // A member is `orderId#version`; the orders hash holds each order's current version.
  const ids = [...new Set(entries.map((e) => e.member.split("#")[0] as string))];
  const orders: OrderRecord[] = [];
  for (const j of await redis.hmget(k.orders, ...ids)) {
    if (j === null) continue;
    const parsed = OrderRecord.safeParse(JSON.parse(j));
    if (parsed.success) orders.push(parsed.data);
  }
  return { entries, orders };
}

export async function countPending(
  redis: SpaceClient,
  showId: string,
  shard: number,
  from: PendingCursor,
  beforeMs: number,
): Promise<number> {
  const min = Number.isFinite(from.score) ? String(from.score) : "-inf";
  return Math.max(0, (await redis.zcount(shardKeys(showId, shard).pending, min, beforeMs)) - from.skip);
}
