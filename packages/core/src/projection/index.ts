import type { z } from "zod";
import { type Db, ledgerBucket, orderItemWriter } from "../db/index.ts";
import { OrderRecord, PumpEvent } from "../order/index.ts";
import { type InventorySpace, pendingMember } from "../space/index.ts";
import { sleep as defaultSleep } from "../util/index.ts";

export interface PumpMessage {
  /** The record's sequence number: what a partial batch failure names. */
  id: string;
  data: string;
  /** The pump shard the record came from (every record of one batch shares it): what the show fences are kept by. */
  pumpShardId?: string;
}

export interface ProjectionFailure {
  id: string;
  reason: string;
}

export interface ProjectionDeps {
  db: Db;
  space: InventorySpace;
  /** Attempts at a batch write's unprocessed items before the records are reported failed. */
  maxWriteAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ProjectionResult {
  failures: ProjectionFailure[];
  persisted: number;
  barriers: number;
  /** Versions voided: made in a generation a rebuild had replaced, and met after that rebuild's barrier. */
  voided: OrderRecord[];
  dynamoCalls: number;
  /** The requests behind the orders persisted, so logs can follow a purchase end to end. */
  correlationIds: string[];
  /** Their trace headers (X-Ray on AWS): the request's trace, followed into the writer. */
  traceIds: string[];
}

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

type OrderItem = Omit<ReturnType<typeof orderItem>, "correlationId" | "holdExpiresAt"> & {
  correlationId?: string;
  holdExpiresAt?: string;
};
type OrderStatusItem = Pick<ReturnType<typeof orderStatusItem>, "orderId" | "version" | "status"> & {
  updatedAt?: string;
  paymentRef?: string;
  note?: string;
};

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

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");

/**
 * What one pump record says. A packed record's orders are checked one by one, so a bad order
 * fails its record (for retry and the dead-letter queue) without holding back the good ones.
 */
function decode(message: PumpMessage): { events: PumpEvent[]; error?: string } {
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    return { events: [], error: "not JSON" };
  }
  const packed = json as { type?: unknown; orders?: unknown };
  if (packed?.type === "orders.accepted" && Array.isArray(packed.orders) && packed.orders.length > 0) {
    const orders: OrderRecord[] = [];
    const bad: string[] = [];
    packed.orders.forEach((o, i) => {
      const parsed = OrderRecord.safeParse(o);
      if (parsed.success) orders.push(parsed.data);
      else bad.push(`orders.${i}: ${issues(parsed.error)}`);
    });
    return {
      events: orders.length > 0 ? [{ type: "orders.accepted", orders }] : [],
      error: bad.length > 0 ? `not a pump event: ${bad.join("; ")}` : undefined,
    };
  }
  const parsed = PumpEvent.safeParse(json);
  if (!parsed.success) return { events: [], error: `not a pump event: ${issues(parsed.error)}` };
  return { events: [parsed.data] };
}

const isConditionFailure = (e: unknown) => {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    if ((cur as { name?: string }).name === "ConditionalCheckFailedException") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return String((e as Error)?.message ?? "").includes("conditional request failed");
};

/** Status items, 25 a call as ElectroDB batches them; the order ids DynamoDB left unprocessed. */
async function putStatuses(db: Db, records: OrderRecord[]): Promise<{ unprocessed: string[]; calls: number }> {
  if (records.length === 0) return { unprocessed: [], calls: 0 };
  const { unprocessed } = await db.entities.orderStatus.put(records.map(orderStatusItem)).go();
  return { unprocessed: unprocessed.map((u) => u.orderId), calls: Math.ceil(records.length / 25) };
}

/** The shows a batch's records carry a generation for, or that its barriers name: the ones whose fence matters. */
function fencedShows(decoded: { events: PumpEvent[] }[]): string[] {
  const shows = new Set<string>();
  for (const { events } of decoded)
    for (const e of events)
      if (e.type === "order.accepted") {
        if (e.order.generation !== undefined) shows.add(e.order.showId);
      } else if (e.type === "orders.accepted") {
        for (const o of e.orders) if (o.generation !== undefined) shows.add(o.showId);
      } else if (e.showId) shows.add(e.showId);
  return [...shows];
}

/** Each show's last barrier met on the pump shard (read strongly: the previous batch's writer may have just put it). */
async function loadFences(db: Db, pumpShardId: string, shows: string[]): Promise<Map<string, string>> {
  const fences = new Map<string, string>();
  if (shows.length === 0) return fences;
  const { data, unprocessed } = await db.entities.showFence
    .get(shows.map((showId) => ({ showId, pumpShardId })))
    .go({ consistent: true });
  if (unprocessed.length > 0) throw new Error("the show fences could not be read; the batch will be retried");
  for (const f of data) fences.set(f.showId, f.barrierId);
  return fences;
}

/**
 * Projects one pump batch into DynamoDB. Every effect is idempotent: orders are put under
 * their own id, each shard's projection is a max-register, the space's pending set is
 * trimmed with ZREM. Delivering the batch twice, or in another order, leaves the same state.
 */
export async function projectBatch(deps: ProjectionDeps, messages: PumpMessage[]): Promise<ProjectionResult> {
  const sleep = deps.sleep ?? defaultSleep;
  const maxAttempts = deps.maxWriteAttempts ?? 6;
  const failures: ProjectionFailure[] = [];
  const orders = new Map<string, { record: OrderRecord; messageIds: string[] }>();
  const barriers: { barrierId: string; pumpShardId: string; messageId: string }[] = [];
  let dynamoCalls = 0;

  // Every version is kept, as its own item: the table then ends the same however the pump's
  // records were batched, and the highest version is the current status.
  const accept = (record: OrderRecord, messageId: string) => {
    const key = pendingMember(record);
    const seen = orders.get(key);
    if (seen) seen.messageIds.push(messageId);
    else orders.set(key, { record, messageIds: [messageId] });
  };
  const decoded = messages.map((m) => ({ m, ...decode(m) }));
  const pumpShardId = messages[0]?.pumpShardId;
  // Each show's fence on this pump shard as this batch starts, then moved by the barriers it meets, in order.
  const fences = pumpShardId ? await loadFences(deps.db, pumpShardId, fencedShows(decoded)) : new Map<string, string>();
  if (fences.size > 0) dynamoCalls++;
  const moved = new Map<string, string>();
  const voided: OrderRecord[] = [];
  const take = (record: OrderRecord, messageId: string) => {
    const fence = fences.get(record.showId);
    if (fence !== undefined && record.generation !== undefined && record.generation !== fence) voided.push(record);
    else accept(record, messageId);
  };
  for (const { m, events, error } of decoded) {
    if (error) failures.push({ id: m.id, reason: error });
    for (const event of events) {
      switch (event.type) {
        case "order.accepted":
          take(event.order, m.id);
          break;
        case "orders.accepted":
          for (const order of event.orders) take(order, m.id);
          break;
        case "space.barrier":
          barriers.push({ barrierId: event.barrierId, pumpShardId: event.pumpShardId, messageId: m.id });
          if (event.showId && pumpShardId) {
            fences.set(event.showId, event.barrierId);
            moved.set(event.showId, event.barrierId);
          }
          break;
        default: {
          const never: never = event;
          throw new Error(`unhandled pump event ${JSON.stringify(never)}`);
        }
      }
    }
  }

  const writer = orderItemWriter(deps.db);
  let toWrite = [...orders.values()].map((o) => o.record);
  // One item per order whatever its versions here: it holds only what never changes.
  const firstOfEach = (records: OrderRecord[]) => [...new Map(records.map((o) => [o.id, o])).values()];
  for (let attempt = 1; toWrite.length > 0; attempt++) {
    // A packed pump batch can hold thousands of orders: a few BatchWriteItem calls at a time.
    const [items, ledger, statuses] = await Promise.all([
      writer.put(firstOfEach(toWrite).map(orderItem), 4),
      writer.putLedger(toWrite.map(ledgerItem), 4),
      putStatuses(
        deps.db,
        toWrite.filter((o) => o.version > 1),
      ),
    ]);
    dynamoCalls += items.calls + ledger.calls + statuses.calls;
    const left = new Set([...items.unprocessed, ...ledger.unprocessed, ...statuses.unprocessed]);
    toWrite = toWrite.filter((o) => left.has(o.id));
    if (toWrite.length === 0) break;
    if (attempt >= maxAttempts) {
      for (const o of toWrite) {
        for (const id of orders.get(pendingMember(o))?.messageIds ?? [])
          failures.push({ id, reason: "unprocessed after retries" });
        orders.delete(pendingMember(o));
      }
      break;
    }
    await sleep(Math.min(25 * 2 ** attempt, 1000));
  }

  const byShard = new Map<string, { showId: string; shard: number; soldAfter: number; orders: OrderRecord[] }>();
  for (const { record } of orders.values()) {
    const key = `${record.showId}\n${record.shard}`;
    const group = byShard.get(key) ?? { showId: record.showId, shard: record.shard, soldAfter: 0, orders: [] };
    group.soldAfter = Math.max(group.soldAfter, record.soldAfter);
    group.orders.push(record);
    byShard.set(key, group);
  }
  await Promise.all(
    [...byShard.values()].map(async (g) => {
      dynamoCalls++;
      try {
        await deps.db.entities.shardProjection
          .update({ showId: g.showId, shard: g.shard })
          .set({ soldAfter: g.soldAfter })
          .where((attr, op) => `${op.notExists(attr.soldAfter)} OR ${op.lt(attr.soldAfter, g.soldAfter)}`)
          .go({ response: "none" });
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
      await deps.space.confirmPersisted(g.showId, g.shard, g.orders);
    }),
  );

  // A barrier says "everything before me is in DynamoDB": never true of a batch with a record that
  // failed. It fails too, so it comes back after the records it follows, and the rebuild keeps waiting.
  const barriersHeld = barriers.length > 0 && failures.length > 0;
  if (barriersHeld) {
    for (const b of barriers) failures.push({ id: b.messageId, reason: "a record before this barrier failed" });
  } else if (barriers.length > 0) {
    // The fences first: one persisted means every record before its barrier here is written and confirmed,
    // so a redelivery of this batch that starts from it voids only what it must, or what is stored already.
    if (pumpShardId && moved.size > 0) {
      dynamoCalls++;
      await deps.db.entities.showFence
        .put([...moved].map(([showId, barrierId]) => ({ showId, pumpShardId, barrierId })))
        .go();
    }
    dynamoCalls++;
    const expiresAt = Math.floor(Date.now() / 1000) + 24 * 3600;
    await deps.db.entities.barrier
      .put(barriers.map((b) => ({ barrierId: b.barrierId, pumpShardId: b.pumpShardId, expiresAt })))
      .go();
  }

  const correlationIds = [
    ...new Set([...orders.values()].flatMap((o) => (o.record.correlationId ? [o.record.correlationId] : []))),
  ];
  const persisted = new Set([...orders.values()].map((o) => o.record.id)).size;
  const traceIds = [...new Set([...orders.values()].flatMap((o) => (o.record.traceId ? [o.record.traceId] : [])))];
  return {
    failures,
    persisted,
    barriers: barriersHeld ? 0 : barriers.length,
    voided,
    dynamoCalls,
    correlationIds,
    traceIds,
  };
}
