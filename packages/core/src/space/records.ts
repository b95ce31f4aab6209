import { OrderRecord } from "../order/index.ts";
import { TIMELINE_BUCKET_MS } from "./keys.ts";

/** Lapsed holds one call returns to sale: bounded, so a wave of lapses never blocks the space long. */
export const RECLAIM_BATCH = 500;

/** What makes two purchases with one Idempotency-Key "the same": the key is scoped to its customer, so the quantity. */
export const fingerprintOf = (quantity: number) => `q${quantity}`;

/** The pending set's member for an order's version. */
export const pendingMember = (o: Pick<OrderRecord, "id" | "version">) => `${o.id}#${o.version}`;

/** The idempotency record's field: the key is scoped to its customer. */
export const idempotencyField = (customerId: string, key: string) => `${customerId}\n${key}`;

export const parseRecord = (json: string) => OrderRecord.parse(JSON.parse(json));
export const parseRecords = (replies: unknown[]) => replies.map((r) => parseRecord(String(r)));

/** Tickets sold per bucket of `TIMELINE_BUCKET_MS`, keyed by the bucket's start. */
export const timelineOf = (orders: Pick<OrderRecord, "createdAt" | "quantity">[]) => {
  const buckets = new Map<number, number>();
  for (const o of orders) {
    const at = Math.floor(Date.parse(o.createdAt) / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS;
    buckets.set(at, (buckets.get(at) ?? 0) + o.quantity);
  }
  return buckets;
};

/** The timeline's buckets since `sinceMs`, zero-filled up to `nowMs`, summed over the shards' own. */
export function sumTimelines(shards: Iterable<Record<string, string | number>>, sinceMs: number, nowMs: number) {
  const first = Math.floor(sinceMs / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS;
  const totals = new Map<number, number>();
  for (let at = first; at <= nowMs; at += TIMELINE_BUCKET_MS) totals.set(at, 0);
  for (const value of shards) {
    for (const [at, tickets] of Object.entries(value)) {
      const bucket = Number(at);
      if (totals.has(bucket)) totals.set(bucket, (totals.get(bucket) ?? 0) + Number(tickets));
    }
  }
  return [...totals].map(([at, tickets]) => ({ at, tickets }));
}
