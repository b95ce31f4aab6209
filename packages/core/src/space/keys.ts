/**
 * Every key one script touches shares a hash tag, so it sits in one cluster slot. A show's
 * stock is split across `shards`; each shard has its own tag (`{showId}` for shard 0,
 * `{showId:N}` after) so the shards land in different slots and spread the hot key.
 */
export const shardTag = (showId: string, shard: number) => (shard === 0 ? showId : `${showId}:${shard}`);

export function shardKeys(showId: string, shard: number) {
  const p = `show:{${shardTag(showId, shard)}}`;
  return {
    /** stock, sold (taken, ever), held, expired, cancelled, refunded (tickets, ever), pendingTickets, max, status, shard */
    inventory: `${p}:inv`,
    /** customerId → tickets bought (customers are homed on one shard, so the limit is exact) */
    customers: `${p}:cust`,
    /** `${customerId}\n${key}` → `${fingerprint}\n${orderId}` */
    idempotency: `${p}:idem`,
    /** orderId → order record JSON */
    orders: `${p}:orders`,
    /** `orderId#version` scored by when that version was made, until the writer confirms it persisted */
    pending: `${p}:pending`,
    /** held orderId scored by its deadline (epoch ms) */
    holds: `${p}:holds`,
    /** transferId → `${toShard}\n${count}\n${atMs}`: stock lent to another shard, not yet credited */
    lent: `${p}:lent`,
    /** transfer ids already credited to this shard */
    received: `${p}:recv`,
    /** bucket start (ms) → tickets sold in that bucket: the sales chart */
    timeline: `${p}:timeline`,
  };
}

/** The sales timeline's resolution. */
export const TIMELINE_BUCKET_MS = 15_000;

export const rehydrationLockKey = (showId: string) => `show:{${showId}}:rehydrating`;
/** Set for a while when a show's rebuild is asked for, so a crowd that finds it lost asks once. */
export const rebuildRequestedKey = (showId: string) => `show:{${showId}}:rebuild-requested`;
/** Set when a finished show is archived out of the space (beside its lock, in one slot): it is never rebuilt. */
export const archivedKey = (showId: string) => `show:{${showId}}:archived`;
/** Written (and expiring) only so a `WAIT` on the shard's node has a write of this connection's to count. */
export const replicaProbeKey = (showId: string, shard: number) => `show:{${shardTag(showId, shard)}}:probe`;
export const orderIndexKey = (orderId: string) => `order:{${orderId}}`;
/** A buyer's order ids by time taken, across shows. */
export const customerOrdersKey = (customerId: string) => `customer:{${customerId}}:orders`;
/** A plain set of show ids on sale: what the sweeper walks. */
export const onSaleKey = "shows:on_sale";

/** Customers are pinned to one shard so their limit and idempotency records live with the stock they take. */
export function homeShard(customerId: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 2166136261;
  for (let i = 0; i < customerId.length; i++) {
    h ^= customerId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % shards;
}
