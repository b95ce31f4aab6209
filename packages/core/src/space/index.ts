import * as changes from "./changes.ts";
import type { SpaceClient } from "./client.ts";
import * as lifecycle from "./lifecycle.ts";
import { type SpaceMemory, spaceMemory } from "./memory.ts";
import type { Space } from "./port.ts";
import * as reads from "./reads.ts";
import { SeenShards } from "./seen.ts";
import * as take from "./take.ts";

export { type ArchiveResult, archiveFinishedShows } from "./archive.ts";
export { createSpaceClient, type SpaceClient, type SpaceConnection } from "./client.ts";
export { REDIRECT, spaceUnavailable } from "./errors.ts";
export { InMemorySpace, type InMemorySpaceOptions } from "./in-memory.ts";
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

/** A function's parameters after its first (the connection or the take's context). */
type Rest<F> = F extends (first: never, ...rest: infer R) => unknown ? R : never;

/**
 * The space on Redis (one node or a cluster): each step one Lua script (scripts.ts) or one command on one shard's slot.
 * What each method does is said on the port (port.ts); the code is in take.ts (takes and loans), changes.ts (an
 * order's changes and the pending set), lifecycle.ts (load, freeze, rebuild, archive, the lock) and reads.ts.
 */
export class InventorySpace implements Space {
  /** What this process saw of each shard and the replicas a take waits for (see take.ts). */
  private readonly take: take.TakeContext;

  constructor(
    readonly redis: SpaceClient,
    options: SpaceOptions = {},
  ) {
    this.take = {
      redis,
      seen: new SeenShards(),
      replicaAcks: options.replicaAcks ?? 0,
      replicaAckTimeoutMs: options.replicaAckTimeoutMs ?? REPLICA_ACK_TIMEOUT_MS,
    };
  }

  get replicaAcks(): number {
    return this.take.replicaAcks;
  }

  takeTickets = (...a: Rest<typeof take.takeTickets>) => take.takeTickets(this.take, ...a);
  replicated = (...a: Rest<typeof take.replicated>) => take.replicated(this.take, ...a);
  moveStock = (...a: Rest<typeof take.moveStock>) => take.moveStock(this.take, ...a);
  lendStock = (...a: Rest<typeof take.lendStock>) => take.lendStock(this.take, ...a);
  creditStock = (...a: Rest<typeof take.creditStock>) => take.creditStock(this.take, ...a);
  settleLoans = (...a: Rest<typeof take.settleLoans>) => take.settleLoans(this.take, ...a);

  reclaimHolds = (...a: Rest<typeof changes.reclaimHolds>) => changes.reclaimHolds(this.redis, ...a);
  changeOrder = (...a: Rest<typeof changes.changeOrder>) => changes.changeOrder(this.redis, ...a);
  confirmPersisted = (...a: Rest<typeof changes.confirmPersisted>) => changes.confirmPersisted(this.redis, ...a);
  creditReleased = (...a: Rest<typeof changes.creditReleased>) => changes.creditReleased(this.redis, ...a);
  pendingOrders = (...a: Rest<typeof changes.pendingOrders>) => changes.pendingOrders(this.redis, ...a);
  pendingPage = (...a: Rest<typeof changes.pendingPage>) => changes.pendingPage(this.redis, ...a);
  countPending = (...a: Rest<typeof changes.countPending>) => changes.countPending(this.redis, ...a);

  loadShard = (...a: Rest<typeof lifecycle.loadShard>) => lifecycle.loadShard(this.redis, ...a);
  freezeShard = (...a: Rest<typeof lifecycle.freezeShard>) => lifecycle.freezeShard(this.redis, ...a);
  rebuildShard = (...a: Rest<typeof lifecycle.rebuildShard>) => lifecycle.rebuildShard(this.redis, ...a);
  archiveShard = (...a: Rest<typeof lifecycle.archiveShard>) => lifecycle.archiveShard(this.redis, ...a);
  markArchived = (...a: Rest<typeof lifecycle.markArchived>) => lifecycle.markArchived(this.redis, ...a);
  isArchived = (...a: Rest<typeof lifecycle.isArchived>) => lifecycle.isArchived(this.redis, ...a);
  markOnSale = (...a: Rest<typeof lifecycle.markOnSale>) => lifecycle.markOnSale(this.redis, ...a);
  unmarkOnSale = (...a: Rest<typeof lifecycle.unmarkOnSale>) => lifecycle.unmarkOnSale(this.redis, ...a);
  showsOnSale = () => lifecycle.showsOnSale(this.redis);
  acquireRehydrationLock = (...a: Rest<typeof lifecycle.acquireRehydrationLock>) =>
    lifecycle.acquireRehydrationLock(this.redis, ...a);
  extendRehydrationLock = (...a: Rest<typeof lifecycle.extendRehydrationLock>) =>
    lifecycle.extendRehydrationLock(this.redis, ...a);
  holdsRehydrationLock = (...a: Rest<typeof lifecycle.holdsRehydrationLock>) =>
    lifecycle.holdsRehydrationLock(this.redis, ...a);
  releaseRehydrationLock = (...a: Rest<typeof lifecycle.releaseRehydrationLock>) =>
    lifecycle.releaseRehydrationLock(this.redis, ...a);
  isRehydrating = (...a: Rest<typeof lifecycle.isRehydrating>) => lifecycle.isRehydrating(this.redis, ...a);
  firstRebuildRequest = (...a: Rest<typeof lifecycle.firstRebuildRequest>) =>
    lifecycle.firstRebuildRequest(this.redis, ...a);

  readShards = (...a: Rest<typeof reads.readShards>) => reads.readShards(this.redis, ...a);
  salesTimeline = (...a: Rest<typeof reads.salesTimeline>) => reads.salesTimeline(this.redis, ...a);
  indexOrder = (...a: Rest<typeof reads.indexOrder>) => reads.indexOrder(this.redis, ...a);
  recentOrderIds = (...a: Rest<typeof reads.recentOrderIds>) => reads.recentOrderIds(this.redis, ...a);
  locateOrder = (...a: Rest<typeof reads.locateOrder>) => reads.locateOrder(this.redis, ...a);
  findOrder = (...a: Rest<typeof reads.findOrder>) => reads.findOrder(this.redis, ...a);

  /** Used and max memory of the space's primaries (INFO memory): the admin stats and the sweeper's metrics. */
  memory(): Promise<SpaceMemory> {
    return spaceMemory(this.redis);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === "PONG";
  }
}
