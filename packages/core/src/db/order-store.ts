import type { OrderRecord } from "../order/index.ts";
import type { OrderStore } from "../sale/ports.ts";
import type { Db } from "./entities.ts";
import { foldOrders, fromOrderItem, latestOfLedger } from "./order-mapping.ts";
import { LEDGER_BUCKETS } from "./schema.ts";

/**
 * The persisted orders in the single table. An order is its item (what never changes) plus a
 * status item per version after the first, the highest of which is current; the show's ledger
 * holds every version whole, for the rebuild.
 */
export class ElectroOrderStore implements OrderStore {
  constructor(private readonly db: Db) {}

  async get(orderId: string): Promise<OrderRecord | null> {
    const [{ data }, statuses] = await Promise.all([
      this.db.entities.order.get({ orderId }).go(),
      this.db.entities.orderStatus.query.primary({ orderId }).go({ pages: "all" }),
    ]);
    return data ? fromOrderItem(data, statuses.data) : null;
  }

  async byCustomer(customerId: string, limit: number): Promise<OrderRecord[]> {
    const [items, statuses] = await Promise.all([
      this.db.entities.order.query.byCustomer({ customerId }).go({ order: "desc", count: limit, pages: "all" }),
      this.db.entities.orderStatus.query.byCustomer({ customerId }).go({ pages: "all" }),
    ]);
    return foldOrders(items.data, statuses.data);
  }

  /**
   * The show's ledger, every bucket read with strongly consistent queries of the base table (page
   * by page): an order the writer stored before the call is always counted, however an index lags.
   */
  async ofShow(showId: string): Promise<OrderRecord[]> {
    const buckets = await Promise.all(
      Array.from({ length: LEDGER_BUCKETS }, (_, bucket) =>
        this.db.entities.orderLedger.query
          .primary({ showId, bucket })
          .go({ pages: "all", consistent: true, attributes: ["orderId", "version", "record"] }),
      ),
    );
    return latestOfLedger(buckets.flatMap((b) => b.data));
  }

  async projectedSold(showId: string): Promise<number> {
    const { data } = await this.db.entities.shardProjection.query.primary({ showId }).go({ pages: "all" });
    return data.reduce((sum, p) => sum + p.soldAfter, 0);
  }

  async barrierShards(barrierId: string): Promise<string[]> {
    const { data } = await this.db.entities.barrier.query.primary({ barrierId }).go({ pages: "all" });
    return data.map((b) => b.pumpShardId);
  }
}

/** Every order of a show persisted, at its latest version (`ElectroOrderStore.ofShow`), for tests and the bench. */
export const persistedOrders = (db: Db, showId: string): Promise<OrderRecord[]> =>
  new ElectroOrderStore(db).ofShow(showId);
