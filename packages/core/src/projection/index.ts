import { OrderRecord, PumpEvent } from "../order/index.ts";
import { type InventorySpace, pendingMember } from "../space/index.ts";
import { sleep as defaultSleep, describeIssues } from "../util/index.ts";
import type { ProjectionStore } from "./ports.ts";

// The item mapping lives with the table now; re-exported for the callers that found it here.
export { foldOrders, fromOrderItem, ledgerItem, orderItem, orderStatusItem } from "../db/order-mapping.ts";
export type { ProjectionStore, WriteOutcome } from "./ports.ts";

export interface PumpMessage {
  /** The record's sequence number: what a partial batch failure names. */
  id: string;
  data: string;
}

export interface ProjectionFailure {
  id: string;
  reason: string;
}

export interface ProjectionDeps {
  store: ProjectionStore;
  /** The space's pending set, trimmed of what is now persisted. */
  space: Pick<InventorySpace, "confirmPersisted">;
  /** Attempts at a batch write's unprocessed items before the records are reported failed. */
  maxWriteAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ProjectionResult {
  failures: ProjectionFailure[];
  persisted: number;
  barriers: number;
  dynamoCalls: number;
  /** The requests behind the orders persisted, so logs can follow a purchase end to end. */
  correlationIds: string[];
  /** Their trace headers (X-Ray on AWS): the request's trace, followed into the writer. */
  traceIds: string[];
}

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
      else bad.push(`orders.${i}: ${describeIssues(parsed.error, { all: true })}`);
    });
    return {
      events: orders.length > 0 ? [{ type: "orders.accepted", orders }] : [],
      error: bad.length > 0 ? `not a pump event: ${bad.join("; ")}` : undefined,
    };
  }
  const parsed = PumpEvent.safeParse(json);
  if (!parsed.success) return { events: [], error: `not a pump event: ${describeIssues(parsed.error, { all: true })}` };
  return { events: [parsed.data] };
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
  for (const m of messages) {
    const { events, error } = decode(m);
    if (error) failures.push({ id: m.id, reason: error });
    for (const event of events) {
      switch (event.type) {
        case "order.accepted":
          accept(event.order, m.id);
          break;
        case "orders.accepted":
          for (const order of event.orders) accept(order, m.id);
          break;
        case "space.barrier":
          barriers.push({ barrierId: event.barrierId, pumpShardId: event.pumpShardId, messageId: m.id });
          break;
        default: {
          const never: never = event;
          throw new Error(`unhandled pump event ${JSON.stringify(never)}`);
        }
      }
    }
  }

  let toWrite = [...orders.values()].map((o) => o.record);
  for (let attempt = 1; toWrite.length > 0; attempt++) {
    const written = await deps.store.putOrders(toWrite);
    dynamoCalls += written.calls;
    const left = new Set(written.unprocessed);
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
      await deps.store.raiseProjection(g.showId, g.shard, g.soldAfter);
      await deps.space.confirmPersisted(g.showId, g.shard, g.orders);
    }),
  );

  // A barrier says "everything before me is in DynamoDB": never true of a batch with a record that
  // failed. It fails too, so it comes back after the records it follows, and the rebuild keeps waiting.
  const barriersHeld = barriers.length > 0 && failures.length > 0;
  if (barriersHeld) {
    for (const b of barriers) failures.push({ id: b.messageId, reason: "a record before this barrier failed" });
  } else if (barriers.length > 0) {
    dynamoCalls++;
    await deps.store.recordBarriers(barriers.map(({ barrierId, pumpShardId }) => ({ barrierId, pumpShardId })));
  }

  const correlationIds = [
    ...new Set([...orders.values()].flatMap((o) => (o.record.correlationId ? [o.record.correlationId] : []))),
  ];
  const persisted = new Set([...orders.values()].map((o) => o.record.id)).size;
  const traceIds = [...new Set([...orders.values()].flatMap((o) => (o.record.traceId ? [o.record.traceId] : [])))];
  return { failures, persisted, barriers: barriersHeld ? 0 : barriers.length, dynamoCalls, correlationIds, traceIds };
}
