// An order record and the items the table holds for it, both ways. Plain functions with no ElectroDB
// in them, so the ElectroDB adapters and the in-memory fakes store and read the very same items.
import { OrderRecord } from "../order/index.ts";
import { fnv1a32 } from "../util/index.ts";
import { LEDGER_BUCKETS } from "./schema.ts";

/** The ledger bucket of an order: FNV-1a of its id, so a show's orders spread evenly and each always lands in one. */
export const ledgerBucket = (orderId: string): number => fnv1a32(orderId) % LEDGER_BUCKETS;

/** What never changes about an order: the same item whichever of its versions writes it. */
export const orderItem = (o: OrderRecord) => ({
  orderId: o.id,
  showId: o.showId,
  customerId: o.customerId,
  quantity: o.quantity,
  createdAt: o.createdAt,
  idempotencyKey: o.idempotencyKey,
  shard: o.shard,
  soldAfter: o.soldAfter,
  priceCents: o.priceCents,
  correlationId: o.correlationId,
  holdExpiresAt: o.holdExpiresAt,
});

/** Every version, whole, in its show's ledger: what the rebuild counts (see `orderLedgerSchema`). */
export const ledgerItem = (o: OrderRecord) => ({
  showId: o.showId,
  bucket: ledgerBucket(o.id),
  orderId: o.id,
  version: o.version,
  record: JSON.stringify(o),
});

/** A version after the first: its own item (see `orderStatusSchema`). */
export const orderStatusItem = (o: OrderRecord) => ({
  orderId: o.id,
  version: o.version,
  status: o.status,
  showId: o.showId,
  customerId: o.customerId,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
  paymentRef: o.paymentRef,
  note: o.note,
});

export type OrderItem = Omit<ReturnType<typeof orderItem>, "correlationId" | "holdExpiresAt"> & {
  correlationId?: string;
  holdExpiresAt?: string;
};
export type OrderStatusItem = Pick<ReturnType<typeof orderStatusItem>, "orderId" | "version" | "status"> & {
  updatedAt?: string;
  paymentRef?: string;
  note?: string;
};
export type LedgerItem = Pick<ReturnType<typeof ledgerItem>, "orderId" | "version" | "record">;

/**
 * The order as DynamoDB holds it, back in the shape the space and the pump use: its item, and the
 * highest of its status versions (none: the first status, held if it had a deadline).
 */
export const fromOrderItem = (item: OrderItem, statuses: OrderStatusItem[] = []): OrderRecord => {
  const latest = statuses.reduce<OrderStatusItem | undefined>(
    (best, s) => (s.orderId === item.orderId && (!best || s.version > best.version) ? s : best),
    undefined,
  );
  return OrderRecord.parse({
    id: item.orderId,
    showId: item.showId,
    customerId: item.customerId,
    quantity: item.quantity,
    createdAt: item.createdAt,
    idempotencyKey: item.idempotencyKey,
    shard: item.shard,
    soldAfter: item.soldAfter,
    priceCents: item.priceCents,
    correlationId: item.correlationId,
    holdExpiresAt: item.holdExpiresAt,
    status: latest?.status ?? (item.holdExpiresAt ? "held" : "confirmed"),
    version: latest?.version ?? 1,
    updatedAt: latest?.updatedAt,
    paymentRef: latest?.paymentRef,
    note: latest?.note,
  });
};

/** Orders and their status items from one query each, folded into current records. */
export function foldOrders(items: OrderItem[], statuses: OrderStatusItem[]): OrderRecord[] {
  const byOrder = new Map<string, OrderStatusItem[]>();
  for (const s of statuses) byOrder.set(s.orderId, [...(byOrder.get(s.orderId) ?? []), s]);
  return items.map((item) => fromOrderItem(item, byOrder.get(item.orderId)));
}

/** A show's ledger entries, each order at its highest version, back as records (what a rebuild counts). */
export function latestOfLedger(entries: Iterable<LedgerItem>): OrderRecord[] {
  const latest = new Map<string, LedgerItem>();
  for (const e of entries) {
    const seen = latest.get(e.orderId);
    if (!seen || e.version > seen.version) latest.set(e.orderId, e);
  }
  return [...latest.values()].map((e) => OrderRecord.parse(JSON.parse(e.record)));
}
