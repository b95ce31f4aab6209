import type { OrderRecord } from "../order/index.ts";

/**
 * What the domain (sale, checkout, rehydrate, the sweeper) uses of the pump: the stream of order events the writer
 * turns into DynamoDB. `PumpPublisher` (Kinesis) and `InMemoryPump` keep one contract (pump.contract.ts).
 */
export interface OrderPump {
  /** Resolves true once the stream holds the order, false when it could not be published in time (never throws). */
  publishOrder(order: OrderRecord): Promise<boolean>;
  /** A barrier down every open shard, after whatever each holds already; returns the shards' ids. */
  sendBarrier(barrierId: string, showId?: string): Promise<string[]>;
  /** Every publish handed in before T is answered, and never reaches the stream, after T + this. */
  readonly settledWithinMs: number;
  /** Waits for every publish handed in so far to be answered. */
  drain(): Promise<void>;
}
