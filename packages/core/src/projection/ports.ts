// What the writer needs of the database: blind, idempotent writes only. The ElectroDB adapter is
// `db/projection-store.ts` (`ElectroProjectionStore`); `db/in-memory.ts` holds the fake, both kept
// to the contract in `db/stores.contract.ts`.
import type { OrderRecord } from "../order/index.ts";

export interface WriteOutcome {
  /** Orders some of whose items the table left unprocessed (DynamoDB's `UnprocessedItems`): retry them. */
  unprocessed: string[];
  /** Calls made to the table, for the writer's cost figures. */
  calls: number;
}

export interface ProjectionStore {
  /**
   * Stores each record as the readers expect it: its order's item (one per order, what never
   * changes), its version in the show's ledger, and a status item for a version after the first.
   * Each is put under keys the record decides, so any number of deliveries leave the same items.
   */
  putOrders(records: OrderRecord[]): Promise<WriteOutcome>;
  /** Raises the shard's projected count to `soldAfter` unless it is already as high (a max-register). */
  raiseProjection(showId: string, shard: number, soldAfter: number): Promise<void>;
  /** Records that the writer reached these barriers: every record before each is persisted. */
  recordBarriers(barriers: { barrierId: string; pumpShardId: string }[]): Promise<void>;
}
