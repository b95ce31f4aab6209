import { HotSeatError } from "../error/index.ts";
import { newUlid } from "../id/index.ts";
import { OrderRecord } from "../order/index.ts";
import type { SpaceClient } from "./client.ts";
import { REDIRECT } from "./errors.ts";
import {
  archivedKey,
  customerOrdersKey,
  onSaleKey,
  orderIndexKey,
  rebuildRequestedKey,
  rehydrationLockKey,
  shardKeys,
  TIMELINE_BUCKET_MS,
} from "./keys.ts";
import { type SpaceMemory, spaceMemory } from "./memory.ts";
import type {
  ChangeOutcome,
  Loan,
  OrderAction,
  PendingCursor,
  PendingPage,
  ShardSnapshot,
  ShardState,
  Space,
  TakeInput,
  TakeResult,
} from "./port.ts";
import {
  fingerprintOf,
  idempotencyField,
  parseRecord,
  parseRecords,
  pendingMember,
  RECLAIM_BATCH,
  sumTimelines,
  timelineOf,
} from "./records.ts";
import { SeenShards } from "./seen.ts";

export { type ArchiveResult, archiveFinishedShows } from "./archive.ts";
export { createSpaceClient, type SpaceClient, type SpaceConnection } from "./client.ts";
export { REDIRECT, spaceUnavailable } from "./errors.ts";
export { homeShard, shardKeys, shardTag, TIMELINE_BUCKET_MS } from "./keys.ts";
export { type SpaceMemory, spaceMemory } from "./memory.ts";
export type {
  ChangeOutcome,
  Loan,
  OrderAction,
  PendingCursor,
  PendingPage,
  ShardSnapshot,
  ShardState,
  Space,
  TakeInput,
  TakeResult,
} from "./port.ts";
export { fingerprintOf, pendingMember, RECLAIM_BATCH, timelineOf } from "./records.ts";

export interface SpaceOptions {
  /** Acknowledge a take only once this many replicas have it (Redis `WAIT`); 0 = off. */
  replicaAcks?: number;
  /** How long a take waits for them before it is refused as unreplicated. */
  replicaAckTimeoutMs?: number;
}

/** The default wait for replicas: replication to a replica in the same region takes about a millisecond. */
export const REPLICA_ACK_TIMEOUT_MS = 250;

export class InventorySpace implements Space {
  /** What this process saw of each shard: a take by it finds a shard that went back in time (see SeenShards). */
  private readonly seen = new SeenShards();

  readonly replicaAcks: number;
  private readonly replicaAckTimeoutMs: number;

  constructor(
    readonly redis: SpaceClient,
    options: SpaceOptions = {},
  ) {
    this.replicaAcks = options.replicaAcks ?? 0;
    this.replicaAckTimeoutMs = options.replicaAckTimeoutMs ?? REPLICA_ACK_TIMEOUT_MS;
  }

  async takeTickets(input: TakeInput): Promise<TakeResult> {
    const k = shardKeys(input.showId, input.shard);
    const expect = this.seen.get(input.showId, input.shard);
    const args = [
      k.inventory,
      k.customers,
      k.idempotency,
      k.orders,
      k.pending,
      k.timeline,
      k.holds,
      idempotencyField(input.customerId, input.idempotencyKey),
      input.fingerprint,
      input.customerId,
      input.order.quantity,
      JSON.stringify(input.order),
      input.order.id,
      "",
      TIMELINE_BUCKET_MS,
      input.holdMs,
      "",
      RECLAIM_BATCH,
      expect?.gen ?? "",
      expect?.seq ?? 0,
      this.replicaAcks > 0 ? "1" : "0",
    ] as const;
    let replicas = 0;
    let reply: [string, ...(string | number | null)[]];
    if (this.replicaAcks > 0) {
      const [take, waited] = await this.takeAndWait(args);
      reply = take as typeof reply;
      replicas = waited;
    } else reply = (await this.retryRedirected(() => this.redis.takeTickets(...args))) as typeof reply;
    const [outcome, a, b, gen, seq, ...rest] = reply;
    // Only what enough replicas have: a take the replicas may lack is no sign of loss once one of them is promoted.
    if (replicas >= this.replicaAcks) this.seen.saw(input.showId, input.shard, gen, seq);
    const expired = parseRecords(rest);
    switch (outcome) {
      case "ok":
      case "replay": {
        const record = parseRecord(String(a));
        if (replicas < this.replicaAcks) return { outcome: "unreplicated", record, replicas, expired };
        return outcome === "ok" ? { outcome, record, expired } : { outcome, record, pending: Number(b) === 1, expired };
      }
      case "limit":
        return { outcome, allowed: Math.max(0, Number(a)), expired };
      case "short":
        return { outcome, stock: Number(a), expired };
      case "reused":
      case "regressed":
      case "missing":
      case "rehydrating":
      case "not_on_sale":
      case "reclaiming":
        return { outcome, expired };
      default:
        throw new Error(`unexpected reply from takeTickets: ${outcome}`);
    }
  }

  /**
   * The take and a WAIT in one pipeline. WAIT has no key, so the pipeline goes to the node that holds the shard's
   * slot, and WAIT counts the replicas that have everything this connection wrote there, the take included. A
   * cluster answers a pipeline sent to a node that no longer holds the slot (a failover) with a redirect for the take
   * alone, which ioredis does not follow for a pipeline: the take did not run, so it is sent again once the slot map
   * is fresh (and a take that ran is found again by its idempotency key).
   */
  private async takeAndWait(args: readonly (string | number)[]): Promise<[unknown, number]> {
    for (let attempt = 1; ; attempt++) {
      const p = this.redis.pipeline() as unknown as {
        takeTickets: (...a: (string | number)[]) => void;
        wait: (n: number, ms: number) => void;
        exec: () => Promise<[Error | null, unknown][] | null>;
      };
      p.takeTickets(...args);
      p.wait(this.replicaAcks, this.replicaAckTimeoutMs);
      const [take, waited] = (await p.exec()) ?? [];
      if (take && !take[0]) return [take[1], waited && !waited[0] ? Number(waited[1]) : 0];
      const error = take?.[0] ?? new Error("takeTickets: no reply");
      if (attempt >= 4 || !REDIRECT.test(error.message)) throw error;
      await this.refreshSlots(attempt);
    }
  }

  /**
   * A command a failover redirected (auto-pipelined commands come back with the redirect rather than follow it): sent
   * again after the slot map is refreshed. Only for what is safe to repeat; a take is (its key finds it again).
   */
  private async retryRedirected<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (e) {
        if (attempt >= 4 || !(e instanceof Error) || !REDIRECT.test(e.message)) throw e;
        await this.refreshSlots(attempt);
      }
    }
  }

  private async refreshSlots(attempt: number) {
    const cluster = this.redis as unknown as { refreshSlotsCache?: (done: () => void) => void };
    if (cluster.refreshSlotsCache) await new Promise<void>((done) => cluster.refreshSlotsCache?.(() => done()));
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }

  /** Moves up to `want` tickets from `from` to `to`; returns how many moved. Safe against a crash in between (see `settleLoans`). */
  async moveStock(showId: string, from: number, to: number, want: number): Promise<number> {
    const loan = await this.lendStock(showId, from, to, want);
    if (loan.lent <= 0) return 0;
    const credited = await this.creditStock(showId, to, loan);
    await this.redis.hdel(shardKeys(showId, from).lent, loan.transferId);
    return credited === 1 ? loan.lent : 0;
  }

  /** The first half of a move: stock out of the donor, recorded as a loan in its slot. */
  async lendStock(showId: string, from: number, to: number, want: number): Promise<Loan> {
    const donor = shardKeys(showId, from);
    const transferId = newUlid();
    const [lent, generation, seq] = (await this.redis.lendStock(
      donor.inventory,
      donor.lent,
      want,
      transferId,
      to,
      Date.now(),
    )) as [number, string, number?];
    this.seen.saw(showId, from, generation, seq);
    return { transferId, lent: Number(lent), generation: String(generation ?? "") };
  }

  /** The second half: 1 credited now, 0 credited already, -1 void (the shard is gone or was rebuilt since). */
  async creditStock(showId: string, to: number, loan: Loan): Promise<number> {
    const home = shardKeys(showId, to);
    return Number(
      await this.redis.creditStock(home.inventory, home.received, loan.transferId, loan.lent, loan.generation),
    );
  }

  /** Credits loans older than `olderThanMs` that a crashed buyer left in transit. Returns tickets credited. */
  async settleLoans(showId: string, shard: number, olderThanMs: number): Promise<number> {
    const donor = shardKeys(showId, shard);
    const loans = await this.redis.hgetall(donor.lent);
    let credited = 0;
    for (const [transferId, value] of Object.entries(loans)) {
      const [toText = "0", countText = "0", atText = "0", generation = ""] = value.split("\n");
      const [to, count, at] = [Number(toText), Number(countText), Number(atText)];
      if (Date.now() - at < olderThanMs) continue;
      const r = await this.creditStock(showId, to, { transferId, lent: count, generation });
      if (r === 1) credited += count;
      if (r >= 0) await this.redis.hdel(donor.lent, transferId);
    }
    return credited;
  }

  /** Returns lapsed holds of one shard to sale (lapsed by the space's clock); the expired orders, to publish. */
  async reclaimHolds(showId: string, shard: number): Promise<OrderRecord[]> {
    const k = shardKeys(showId, shard);
    const reply = (await this.redis.reclaimHolds(
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
  async changeOrder(
    showId: string,
    shard: number,
    orderId: string,
    action: OrderAction,
    extra: { paymentRef?: string; note?: string } = {},
  ): Promise<{ outcome: ChangeOutcome; record: OrderRecord | null }> {
    const k = shardKeys(showId, shard);
    const [outcome, json] = (await this.redis.changeOrder(
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

  async confirmPersisted(
    showId: string,
    shard: number,
    orders: Pick<OrderRecord, "id" | "version" | "quantity">[],
  ): Promise<number> {
    if (orders.length === 0) return 0;
    const k = shardKeys(showId, shard);
    const args = orders.flatMap((o) => [pendingMember(o), o.quantity]);
    return Number(await this.redis.confirmPersisted(k.inventory, k.pending, k.orders, ...args));
  }

  async loadShard(showId: string, shard: number, stock: number, maxPerCustomer: number): Promise<boolean> {
    const k = shardKeys(showId, shard);
    return Number(await this.redis.loadShard(k.inventory, stock, maxPerCustomer, shard)) === 1;
  }

  async freezeShard(showId: string, shard: number): Promise<boolean> {
    return Number(await this.redis.freezeShard(shardKeys(showId, shard).inventory)) === 1;
  }

  /** Replaces a shard whole, in one MULTI (all keys share the shard's slot). */
  async rebuildShard(showId: string, shard: number, snap: ShardSnapshot): Promise<void> {
    const k = shardKeys(showId, shard);
    const tx = this.redis.multi();
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

  async readShards(showId: string, shards: number): Promise<ShardState[]> {
    return Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        const k = shardKeys(showId, shard);
        const [status, stock, sold, pendingTickets, inTransit, pendingOrders, oldest, ...returns] =
          (await this.redis.readShard(k.inventory, k.lent, k.pending, k.holds)) as [
            string | null,
            number,
            number,
            number,
            number,
            number,
            string | null,
            ...(number | string | null)[],
          ];
        const [held = 0, expired = 0, cancelled = 0, refunded = 0, nextHold = null, spaceNow = Date.now()] = returns;
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
  async salesTimeline(showId: string, shards: number, sinceMs: number, nowMs = Date.now()) {
    // One call per shard, not one pipeline: the shards sit in different slots, which a cluster may place on
    // different nodes, and an ioredis cluster pipeline refuses keys of more than one node (auto-pipelining still
    // batches the calls per node).
    const replies = await Promise.all(
      Array.from({ length: shards }, (_, s) => this.redis.hgetall(shardKeys(showId, s).timeline)),
    );
    return sumTimelines(replies, sinceMs, nowMs);
  }

  /** Orders whose current version is not yet confirmed persisted, made before `beforeMs`. */
  async pendingOrders(showId: string, shard: number, beforeMs: number, limit = 500): Promise<OrderRecord[]> {
    const k = shardKeys(showId, shard);
    const members = await this.redis.zrangebyscore(k.pending, "-inf", beforeMs, "LIMIT", 0, limit);
    if (members.length === 0) return [];
    const ids = [...new Set(members.map((m) => m.split("#")[0] as string))];
    const jsons = await this.redis.hmget(k.orders, ...ids);
    return jsons.filter((j): j is string => j !== null).map(parseRecord);
  }

  async pendingPage(
    showId: string,
    shard: number,
    from: PendingCursor,
    beforeMs: number,
    limit: number,
  ): Promise<PendingPage> {
    const k = shardKeys(showId, shard);
    const min = Number.isFinite(from.score) ? String(from.score) : "-inf";
    const flat = await this.redis.zrangebyscore(k.pending, min, beforeMs, "WITHSCORES", "LIMIT", from.skip, limit);
    const entries: PendingPage["entries"] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push({ member: flat[i] as string, at: Number(flat[i + 1]) });
    if (entries.length === 0) return { entries, orders: [] };
    // A member is `orderId#version`; the orders hash holds each order's current version.
    const ids = [...new Set(entries.map((e) => e.member.split("#")[0] as string))];
    const orders: OrderRecord[] = [];
    for (const j of await this.redis.hmget(k.orders, ...ids)) {
      if (j === null) continue;
      const parsed = OrderRecord.safeParse(JSON.parse(j));
      if (parsed.success) orders.push(parsed.data);
    }
    return { entries, orders };
  }

  async countPending(showId: string, shard: number, from: PendingCursor, beforeMs: number): Promise<number> {
    const min = Number.isFinite(from.score) ? String(from.score) : "-inf";
    return Math.max(0, (await this.redis.zcount(shardKeys(showId, shard).pending, min, beforeMs)) - from.skip);
  }

  /** Where to find an order by id, and the buyer's recent orders (for `GET /me/orders` before the index has them). */
  async indexOrder(order: Pick<OrderRecord, "id" | "showId" | "customerId" | "createdAt">, shard: number) {
    const recent = customerOrdersKey(order.customerId);
    await Promise.all([
      this.redis.set(orderIndexKey(order.id), `${order.showId}\n${shard}`, "EX", 7 * 24 * 3600),
      this.redis.zadd(recent, Date.parse(order.createdAt), order.id),
      this.redis.expire(recent, 24 * 3600),
    ]);
  }

  /** The buyer's orders taken in the last day, newest first (at most `limit`). */
  async recentOrderIds(customerId: string, limit = 100): Promise<string[]> {
    const key = customerOrdersKey(customerId);
    return this.redis.zrevrangebyscore(key, "+inf", Date.now() - 24 * 3600 * 1000, "LIMIT", 0, limit);
  }

  /** Which show and shard hold an order, while the space holds it. */
  async locateOrder(orderId: string): Promise<{ showId: string; shard: number } | null> {
    const where = await this.redis.get(orderIndexKey(orderId));
    if (!where) return null;
    const [showId = "", shard = "0"] = where.split("\n");
    return { showId, shard: Number(shard) };
  }

  /** An order still in the space (found by its index, or in the shard `where` names), or null. */
  async findOrder(
    orderId: string,
    where?: { showId: string; shard: number } | null,
  ): Promise<{ record: OrderRecord; pending: boolean } | null> {
    where ??= await this.locateOrder(orderId);
    if (!where) return null;
    const k = shardKeys(where.showId, where.shard);
    const json = await this.redis.hget(k.orders, orderId);
    if (!json) return null;
    const record = parseRecord(json);
    return { record, pending: (await this.redis.zscore(k.pending, pendingMember(record))) !== null };
  }

  async markOnSale(showId: string): Promise<void> {
    await this.redis.sadd(onSaleKey, showId);
  }

  async showsOnSale(): Promise<string[]> {
    return this.redis.smembers(onSaleKey);
  }

  /**
   * Single-flight: the lock expires on its own if its holder dies. A show archived out of the space is over: no
   * rebuild brings it back, and whoever asks (a buyer, a payment, the sweeper) is told it is not on sale.
   */
  async acquireRehydrationLock(showId: string, ttlMs: number): Promise<string | null> {
    const token = newUlid();
    const ok = await this.redis.acquireLock(rehydrationLockKey(showId), archivedKey(showId), token, ttlMs);
    if (ok === "archived") throw new HotSeatError("not_on_sale", "this show is over");
    return ok === "OK" ? token : null;
  }

  /** Frees one shard of a finished show if nothing of it lives only in the space (see ARCHIVE_SHARD). */
  async archiveShard(showId: string, shard: number): Promise<boolean> {
    const k = shardKeys(showId, shard);
    const keys = [
      k.inventory,
      k.customers,
      k.idempotency,
      k.orders,
      k.pending,
      k.lent,
      k.received,
      k.timeline,
      k.holds,
    ];
    return Number(await this.redis.archiveShard(...keys)) === 1;
  }

  /** Marks a show archived (before any of its shards is freed, so a buyer who finds one gone is not rebuilt). */
  async markArchived(showId: string, atIso: string): Promise<void> {
    await this.redis.set(archivedKey(showId), atIso);
  }

  async isArchived(showId: string): Promise<boolean> {
    return (await this.redis.exists(archivedKey(showId))) === 1;
  }

  async unmarkOnSale(showId: string): Promise<void> {
    await this.redis.srem(onSaleKey, showId);
  }

  async releaseRehydrationLock(showId: string, token: string): Promise<void> {
    const key = rehydrationLockKey(showId);
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      key,
      token,
    );
  }

  async extendRehydrationLock(showId: string, token: string, ttlMs: number): Promise<boolean> {
    const extended = await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
      1,
      rehydrationLockKey(showId),
      token,
      ttlMs,
    );
    return Number(extended) === 1;
  }

  async holdsRehydrationLock(showId: string, token: string): Promise<boolean> {
    return (await this.redis.get(rehydrationLockKey(showId))) === token;
  }

  async firstRebuildRequest(showId: string, everyMs: number): Promise<boolean> {
    return (await this.redis.set(rebuildRequestedKey(showId), "1", "PX", everyMs, "NX")) === "OK";
  }

  async isRehydrating(showId: string): Promise<boolean> {
    return (await this.redis.exists(rehydrationLockKey(showId))) === 1;
  }

  /** Used and max memory of the space's primaries (INFO memory): the admin stats and the sweeper's metrics. */
  memory(): Promise<SpaceMemory> {
    return spaceMemory(this.redis);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === "PONG";
  }
}
