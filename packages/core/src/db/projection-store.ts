import type { OrderRecord } from "../order/index.ts";
import type { ProjectionStore, WriteOutcome } from "../projection/ports.ts";
import type { Db } from "./entities.ts";
import { type OrderItemWriter, orderItemWriter } from "./order-items.ts";
import { ledgerItem, orderItem, orderStatusItem } from "./order-mapping.ts";
import { isConditionFailure } from "./unavailable.ts";

/** How long a recorded barrier is kept: a rebuild waits for it for seconds, never a day. */
const BARRIER_TTL_SECONDS = 24 * 3600;

/**
 * The writer's side of the single table. Orders and ledger entries go through `orderItemWriter`'s
 * hand-built BatchWriteItem items (the writer's hot path); status items, rarer, through ElectroDB's
 * own batch put.
 */
export class ElectroProjectionStore implements ProjectionStore {
  private readonly writer: OrderItemWriter;

  constructor(
    private readonly db: Db,
    /** BatchWriteItem calls in flight at once for each kind of item: a packed batch can hold thousands of orders. */
    private readonly concurrent = 4,
  ) {
    this.writer = orderItemWriter(db);
  }

  async putOrders(records: OrderRecord[]): Promise<WriteOutcome> {
    // One order item per order whatever its versions here: it holds only what never changes.
    const firstOfEach = [...new Map(records.map((o) => [o.id, o])).values()];
    const [items, ledger, statuses] = await Promise.all([
      this.writer.put(firstOfEach.map(orderItem), this.concurrent),
      this.writer.putLedger(records.map(ledgerItem), this.concurrent),
      this.putStatuses(records.filter((o) => o.version > 1)),
    ]);
    return {
      unprocessed: [...new Set([...items.unprocessed, ...ledger.unprocessed, ...statuses.unprocessed])],
      calls: items.calls + ledger.calls + statuses.calls,
    };
  }

  /** Status items, 25 a call as ElectroDB batches them; the order ids DynamoDB left unprocessed. */
  private async putStatuses(records: OrderRecord[]): Promise<WriteOutcome> {
    if (records.length === 0) return { unprocessed: [], calls: 0 };
    const { unprocessed } = await this.db.entities.orderStatus.put(records.map(orderStatusItem)).go();
    return { unprocessed: unprocessed.map((u) => u.orderId), calls: Math.ceil(records.length / 25) };
  }

  async raiseProjection(showId: string, shard: number, soldAfter: number): Promise<void> {
    try {
      await this.db.entities.shardProjection
        .update({ showId, shard })
        .set({ soldAfter })
        .where((attr, op) => `${op.notExists(attr.soldAfter)} OR ${op.lt(attr.soldAfter, soldAfter)}`)
        .go({ response: "none" });
    } catch (e) {
      // Refused: the projection is already as high, which is the max-register working.
      if (!isConditionFailure(e)) throw e;
    }
  }

  async recordBarriers(barriers: { barrierId: string; pumpShardId: string }[]): Promise<void> {
    if (barriers.length === 0) return;
    const expiresAt = Math.floor(Date.now() / 1000) + BARRIER_TTL_SECONDS;
    // One left unprocessed is only never seen: the rebuild waiting for it times out and sends another.
    await this.db.entities.barrier
      .put(barriers.map((b) => ({ barrierId: b.barrierId, pumpShardId: b.pumpShardId, expiresAt })))
      .go();
  }
}
