import { generationRank, OrderRecord, PumpEvent } from "../order/index.ts";
import { pendingMember, type Space } from "../space/index.ts";
import { sleep as defaultSleep, describeIssues } from "../util/index.ts";
import type { ProjectionStore } from "./ports.ts";

export type { ProjectionStore, WriteOutcome } from "./ports.ts";

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
  store: ProjectionStore;
  /** The space's pending set, trimmed of what is now persisted. */
  space: Pick<Space, "confirmPersisted">;
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
  const fenced = pumpShardId ? fencedShows(decoded) : [];
  const fences =
    pumpShardId && fenced.length > 0 ? await deps.store.readFences(pumpShardId, fenced) : new Map<string, string>();
  if (fenced.length > 0) dynamoCalls++;
  const moved = new Map<string, string>();
  const voided: OrderRecord[] = [];
  const take = (record: OrderRecord, messageId: string) => {
    const fence = fences.get(record.showId);
    // Older than the show's last rebuild met here: that rebuild counted without it. A version with no
    // generation (made before versions named one) is kept, as before.
    if (
      fence !== undefined &&
      record.generation !== undefined &&
      generationRank(record.generation) < generationRank(fence)
    )
      voided.push(record);
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
          // Forward only: a stale worker's barrier (an older rebuild, sent late) never moves the fence back.
          if (
            event.showId &&
            pumpShardId &&
            generationRank(event.barrierId) > generationRank(fences.get(event.showId))
          ) {
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
    // The fences first: one persisted means every record before its barrier here is written and confirmed,
    // so a redelivery of this batch that starts from it voids only what it must, or what is stored already.
    if (pumpShardId && moved.size > 0) {
      dynamoCalls++;
      await deps.store.moveFences(
        pumpShardId,
        [...moved].map(([showId, barrierId]) => ({ showId, barrierId })),
      );
    }
    dynamoCalls++;
    await deps.store.recordBarriers(barriers.map(({ barrierId, pumpShardId }) => ({ barrierId, pumpShardId })));
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
