import type { OrderRecord } from "../order/index.ts";
import type { SpaceMemory } from "./memory.ts";

export type TakeResult = (
  | { outcome: "ok"; record: OrderRecord }
  | { outcome: "replay"; record: OrderRecord; pending: boolean }
  | { outcome: "reused" | "missing" | "rehydrating" | "not_on_sale" | "reclaiming" }
  /** The shard is behind what this process saw of it: it lost acknowledged writes, and is frozen for a rebuild. */
  | { outcome: "regressed" }
  /**
   * Taken (or found by a replay) but fewer than `replicaAcks` replicas confirmed it in time: not to acknowledge. The
   * order stays pending in the space; a retry with the same key finds it again (and waits again).
   */
  | { outcome: "unreplicated"; record: OrderRecord; replicas: number }
  | { outcome: "limit"; allowed: number }
  | { outcome: "short"; stock: number }
) & {
  /** Holds this call found past their deadline and returned to sale: to publish. */
  expired: OrderRecord[];
};

/** What an order's change of status came to (see CHANGE_ORDER). */
export type ChangeOutcome = "changed" | "already" | "missing" | "rehydrating" | OrderRecord["status"];
export type OrderAction = "confirm" | "cancel" | "refund" | "note";

export interface TakeInput {
  showId: string;
  shard: number;
  customerId: string;
  idempotencyKey: string;
  fingerprint: string;
  /**
   * The order as it will be recorded, without `soldAfter`. The space stamps that, and `createdAt` and the hold's
   * deadline from its own clock (what the caller put there is replaced).
   */
  order: Omit<OrderRecord, "soldAfter">;
  /** A priced show's hold, in ms from the take (by the space's clock); 0 confirms at once. */
  holdMs: number;
}

export interface ShardState {
  shard: number;
  exists: boolean;
  status: string | null;
  stock: number;
  /** Lent to another shard and not yet credited there: still unsold. */
  inTransit: number;
  /** Taken, ever (the max-register the projection follows). */
  sold: number;
  /** Held now, awaiting payment. */
  held: number;
  /** Given back, ever, by lapsed holds, cancellations and refunds. */
  expired: number;
  cancelled: number;
  refunded: number;
  /**
   * Given back by a change (a lapse, a cancel, a refund) that is not yet durable: on sale once its publish succeeds
   * or the writer confirms it (`creditReleased`, `confirmPersisted`), never before. Neither live nor for sale.
   */
  releasing: number;
  pendingTickets: number;
  pendingOrders: number;
  oldestPendingAt: number | null;
  /** The earliest deadline of a hold still recorded (epoch ms): a reader reclaims only when it has passed. */
  nextHoldDeadline: number | null;
  /** The space's clock when this was read (epoch ms): what hold deadlines are judged by, not the reader's. */
  spaceNow: number;
}

export interface ShardSnapshot {
  stock: number;
  sold: number;
  held: number;
  expired: number;
  cancelled: number;
  refunded: number;
  max: number;
  /** Live tickets (held and confirmed) per customer. */
  customers: Map<string, number>;
  /** Every order's current version; the held ones are held again until their deadline. */
  orders: OrderRecord[];
  /** The rebuild's id, the same on every shard: loans lent before it are void after it. */
  generation: string;
}

/** A loan between shards: stock out of the donor, not yet credited to the receiver. */
export interface Loan {
  transferId: string;
  lent: number;
  generation: string;
}

/** Where a page of a shard's pending set starts: after `skip` members at score `score` (-Infinity: the start). */
export interface PendingCursor {
  score: number;
  skip: number;
}

export interface PendingPage {
  /** The page's members (`orderId#version`) with when that version was made, oldest first. */
  entries: { member: string; at: number }[];
  /** The current version of each order the page names (once each; one the space no longer holds is left out). */
  orders: OrderRecord[];
}

/**
 * What the domain (sale, checkout, rehydrate, projection, the sweeper and the API's edge) uses of the space: a show's
 * inventory split into shards, each changed atomically. Two implementations keep the same contract
 * (space.contract.ts): `InventorySpace` (Redis, the Lua in scripts.ts) and `InMemorySpace` (one process, for tests).
 */
export interface Space {
  // Taking and lending tickets.
  takeTickets(input: TakeInput): Promise<TakeResult>;
  /**
   * Whether at least `replicaAcks` replicas of the shard's node now hold every write made to it so far (a write of
   * its own, then Redis `WAIT`: a replica streams a primary's writes in order). True when there are none to wait
   * for. What is published without a take's own wait (a change of status, the sweeper's re-publish) asks this
   * first, so nothing reaches the pump that a failover to the replica could take back out of the space.
   */
  replicated(showId: string, shard: number): Promise<boolean>;
  /**
   * Puts on sale, once each, the tickets these orders gave back (see `ShardState.releasing`): their change is in the
   * pump now. Returns the tickets put on sale. The writer's `confirmPersisted` does the same for what it persisted.
   */
  creditReleased(showId: string, shard: number, orderIds: string[]): Promise<number>;
  /** Moves up to `want` tickets from `from` to `to`; returns how many moved. */
  moveStock(showId: string, from: number, to: number, want: number): Promise<number>;
  /** The first half of a move: stock out of the donor, recorded as a loan in its slot. */
  lendStock(showId: string, from: number, to: number, want: number): Promise<Loan>;
  /** The second half: 1 credited now, 0 credited already, -1 void (the shard is gone or was rebuilt since). */
  creditStock(showId: string, to: number, loan: Loan): Promise<number>;
  /** Credits loans older than `olderThanMs` that a crashed buyer left in transit. Returns tickets credited. */
  settleLoans(showId: string, shard: number, olderThanMs: number): Promise<number>;

  // An order's life after the take.
  /** Returns lapsed holds of one shard to sale (lapsed by the space's clock); the expired orders, to publish. */
  reclaimHolds(showId: string, shard: number): Promise<OrderRecord[]>;
  changeOrder(
    showId: string,
    shard: number,
    orderId: string,
    action: OrderAction,
    extra?: { paymentRef?: string; note?: string },
  ): Promise<{ outcome: ChangeOutcome; record: OrderRecord | null }>;
  /** The writer persisted these versions: they leave the pending set. Returns how many left it now. */
  confirmPersisted(
    showId: string,
    shard: number,
    orders: Pick<OrderRecord, "id" | "version" | "quantity">[],
  ): Promise<number>;
  /** Orders whose current version is not yet confirmed persisted, made before `beforeMs`. */
  pendingOrders(showId: string, shard: number, beforeMs: number, limit?: number): Promise<OrderRecord[]>;
  /** A page of the pending set made at or before `beforeMs`, from `from` on (the sweeper's cursor). */
  pendingPage(
    showId: string,
    shard: number,
    from: PendingCursor,
    beforeMs: number,
    limit: number,
  ): Promise<PendingPage>;
  /** How many pending members made at or before `beforeMs` lie at or after `from.score` (less `from.skip`, floor 0). */
  countPending(showId: string, shard: number, from: PendingCursor, beforeMs: number): Promise<number>;

  // Finding orders.
  indexOrder(order: Pick<OrderRecord, "id" | "showId" | "customerId" | "createdAt">, shard: number): Promise<void>;
  recentOrderIds(customerId: string, limit?: number): Promise<string[]>;
  locateOrder(orderId: string): Promise<{ showId: string; shard: number } | null>;
  findOrder(
    orderId: string,
    where?: { showId: string; shard: number } | null,
  ): Promise<{ record: OrderRecord; pending: boolean } | null>;

  // A shard's lifecycle: loaded, frozen, rebuilt, archived.
  loadShard(showId: string, shard: number, stock: number, maxPerCustomer: number): Promise<boolean>;
  freezeShard(showId: string, shard: number): Promise<boolean>;
  rebuildShard(showId: string, shard: number, snap: ShardSnapshot): Promise<void>;
  archiveShard(showId: string, shard: number): Promise<boolean>;
  markArchived(showId: string, atIso: string): Promise<void>;
  isArchived(showId: string): Promise<boolean>;
  markOnSale(showId: string): Promise<void>;
  unmarkOnSale(showId: string): Promise<void>;
  showsOnSale(): Promise<string[]>;

  // The rebuild's single flight.
  /** A token, or null when another holds the lock; throws `not_on_sale` for an archived show. */
  acquireRehydrationLock(showId: string, ttlMs: number): Promise<string | null>;
  /** Renews the lock for `ttlMs` if `token` still holds it; false when it does not (it lapsed or another took it). */
  extendRehydrationLock(showId: string, token: string, ttlMs: number): Promise<boolean>;
  holdsRehydrationLock(showId: string, token: string): Promise<boolean>;
  releaseRehydrationLock(showId: string, token: string): Promise<void>;
  isRehydrating(showId: string): Promise<boolean>;
  /** True for the first call per show within `everyMs` (across every process on the space): a rebuild is asked once. */
  firstRebuildRequest(showId: string, everyMs: number): Promise<boolean>;

  // Reads.
  readShards(showId: string, shards: number): Promise<ShardState[]>;
  /** Tickets sold per timeline bucket since `sinceMs`, over all shards, oldest first, zero-filled up to now. */
  salesTimeline(
    showId: string,
    shards: number,
    sinceMs: number,
    nowMs?: number,
  ): Promise<{ at: number; tickets: number }[]>;
  memory(): Promise<SpaceMemory>;
  ping(): Promise<boolean>;
}
