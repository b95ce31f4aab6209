import { type OrderRecord, PumpEvent } from "../order/index.ts";
import { fnv1a32 } from "../util/index.ts";
import type { OrderPump } from "./port.ts";

/** One record as a shard holds it: the partition key it was sent with and its data, as the writer reads them. */
export interface PumpRecord {
  partitionKey: string;
  event: PumpEvent;
}

/**
 * The pump in one process, for unit tests: a stream of `shards` shards that keeps every record in order per shard.
 * An order lands on the shard its id hashes to (one order per record); a barrier on every shard. A fake writer reads
 * a shard from an index on (`read`); `refuseNext` makes the next publishes fail, as a stream that throttles.
 */
export class InMemoryPump implements OrderPump {
  readonly settledWithinMs: number;
  private readonly shards: { id: string; data: { partitionKey: string; json: string }[] }[];
  private refusals = 0;
  /** Publishes refused by `refuseNext`. */
  refused = 0;

  constructor(options: { shards?: number; settledWithinMs?: number } = {}) {
    const n = Math.max(1, options.shards ?? 2);
    // Named as Kinesis names them.
    this.shards = Array.from({ length: n }, (_, i) => ({ id: `shardId-${String(i).padStart(12, "0")}`, data: [] }));
    this.settledWithinMs = options.settledWithinMs ?? 0;
  }

  get shardIds(): string[] {
    return this.shards.map((s) => s.id);
  }

  /** The next `n` publishes resolve false and leave nothing on the stream. */
  refuseNext(n: number) {
    this.refusals = n;
  }

  async publishOrder(order: OrderRecord): Promise<boolean> {
    if (this.refusals > 0) {
      this.refusals--;
      this.refused++;
      return false;
    }
    const shard = this.shards[fnv1a32(order.id) % this.shards.length];
    const event: PumpEvent = { type: "orders.accepted", orders: [order] };
    shard?.data.push({ partitionKey: order.id, json: JSON.stringify(event) });
    return true;
  }

  async sendBarrier(barrierId: string, showId?: string): Promise<string[]> {
    for (const s of this.shards) {
      const event: PumpEvent = { type: "space.barrier", barrierId, pumpShardId: s.id, ...(showId ? { showId } : {}) };
      s.data.push({ partitionKey: barrierId, json: JSON.stringify(event) });
    }
    return this.shardIds;
  }

  async drain(): Promise<void> {}

  /** A shard's records from `from` on, parsed as the writer parses them. */
  read(shardId: string, from = 0): PumpRecord[] {
    const shard = this.shards.find((s) => s.id === shardId);
    if (!shard) throw new Error(`no pump shard ${shardId}`);
    return shard.data
      .slice(from)
      .map((r) => ({ partitionKey: r.partitionKey, event: PumpEvent.parse(JSON.parse(r.json)) }));
  }
}
