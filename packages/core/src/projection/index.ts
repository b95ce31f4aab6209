import type { Db } from "../db/index.ts";
import { OrderRecord, PumpEvent } from "../order/index.ts";
import type { InventorySpace } from "../space/index.ts";

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
  dynamoCalls: number;
  /** The requests behind the orders persisted, so logs can follow a purchase end to end. */
  correlationIds: string[];
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
});

/** The order as DynamoDB holds it, back in the shape the space and the pump use. */
export const fromOrderItem = (
  item: Omit<ReturnType<typeof orderItem>, "correlationId"> & { correlationId?: string },
): OrderRecord =>
  OrderRecord.parse({
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
  });

function decode(message: PumpMessage): PumpEvent | string {
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    return "not JSON";
  }
  const parsed = PumpEvent.safeParse(json);
  if (!parsed.success)
    return `not a pump event: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
  return parsed.data;
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
  const barriers: { barrierId: string; pumpShardId: string }[] = [];
  let dynamoCalls = 0;

  for (const m of messages) {
    const event = decode(m);
    if (typeof event === "string") {
      failures.push({ id: m.id, reason: event });
      continue;
    }
    switch (event.type) {
      case "order.accepted": {
        const seen = orders.get(event.order.id);
        if (seen) seen.messageIds.push(m.id);
        else orders.set(event.order.id, { record: event.order, messageIds: [m.id] });
        break;
      }
      case "space.barrier":
        barriers.push({ barrierId: event.barrierId, pumpShardId: event.pumpShardId });
        break;
      default: {
        const never: never = event;
        throw new Error(`unhandled pump event ${JSON.stringify(never)}`);
      }
    }
  }

  let toWrite = [...orders.values()].map((o) => o.record);
  for (let attempt = 1; toWrite.length > 0; attempt++) {
    dynamoCalls += Math.ceil(toWrite.length / 25);
    const { unprocessed } = await deps.db.entities.order.put(toWrite.map(orderItem)).go();
    const left = new Set(unprocessed.map((u) => u.orderId));
    toWrite = toWrite.filter((o) => left.has(o.id));
    if (toWrite.length === 0) break;
    if (attempt >= maxAttempts) {
      for (const o of toWrite) {
        for (const id of orders.get(o.id)?.messageIds ?? []) failures.push({ id, reason: "unprocessed after retries" });
        orders.delete(o.id);
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
      await deps.space.confirmPersisted(
        g.showId,
        g.shard,
        g.orders.map((o) => ({ id: o.id, quantity: o.quantity })),
      );
    }),
  );

  if (barriers.length > 0) {
    dynamoCalls++;
    const expiresAt = Math.floor(Date.now() / 1000) + 24 * 3600;
    await deps.db.entities.barrier.put(barriers.map((b) => ({ ...b, expiresAt }))).go();
  }

  const correlationIds = [...orders.values()].flatMap((o) => (o.record.correlationId ? [o.record.correlationId] : []));
  return { failures, persisted: orders.size, barriers: barriers.length, dynamoCalls, correlationIds };
}
