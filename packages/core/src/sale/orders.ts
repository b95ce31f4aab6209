import { HotSeatError } from "../error/index.ts";
import { type Order, type OrderRecord, toOrder } from "../order/index.ts";
import type { Space } from "../space/index.ts";
import type { Catalogue } from "./catalogue.ts";
import type { OrderStore } from "./ports.ts";
import type { Recovery } from "./recovery.ts";

export interface OrderLookupDeps {
  orders: Pick<OrderStore, "get" | "byCustomer">;
  space: Pick<Space, "findOrder" | "indexOrder" | "recentOrderIds">;
  catalogue: Pick<Catalogue, "showSettings">;
  recovery: Pick<Recovery, "recover">;
}

interface Found {
  record: OrderRecord;
  /** The writer has stored this version. */
  persisted: boolean;
  /** The space holds the order (so it can change it). */
  inSpace: boolean;
}

const restoring = () => new HotSeatError("rehydrating", "the show is being restored; retry in a moment");

/**
 * Finding orders: in the space while it holds them (it is ahead of the writer, and costs no
 * database read), else in the order store.
 */
export class OrderLookup {
  constructor(private readonly deps: OrderLookupDeps) {}

  /** The buyer's own order. Another buyer's order is "not found", exactly as one that does not exist. */
  async getOrder(orderId: string, customerId: string): Promise<Order> {
    const found = await this.lookup(orderId);
    if (!found || found.record.customerId !== customerId)
      throw new HotSeatError("order_not_found", `no order ${orderId}`);
    return toOrder(found.record, found.persisted);
  }

  /**
   * An order as the space holds it, for changing it: found by the space's index, or, when the space
   * lost that index (a rebuild restores shards, not every order's index), where the store says it is.
   */
  async orderInSpace(orderId: string): Promise<OrderRecord | null> {
    let found = await this.lookup(orderId);
    if (found && !found.inSpace) {
      // The store has the order but the space lost its show: rebuild it (single-flight; others get 503
      // rehydrating) rather than answer "no such order" to a payment or a cancel.
      await this.deps.recovery.recover(await this.deps.catalogue.showSettings(found.record.showId));
      found = await this.lookup(orderId);
      if (found && !found.inSpace) throw restoring();
    }
    return found?.record ?? null;
  }

  /**
   * The buyer's orders, newest first: the store's index by customer, plus the ones the space took in
   * the last day that the index may not show yet (the pump and the index both lag a little).
   */
  async customerOrders(customerId: string, limit = 100): Promise<Order[]> {
    const [stored, recentIds] = await Promise.all([
      this.deps.orders.byCustomer(customerId, limit),
      this.deps.space.recentOrderIds(customerId),
    ]);
    const byId = new Map(stored.map((r) => [r.id, toOrder(r, true)]));
    // The space's copy is the current one: it may be ahead of what the writer has stored yet.
    const recent = await Promise.all(recentIds.map((id) => this.deps.space.findOrder(id)));
    for (const found of recent)
      if (found && found.record.customerId === customerId)
        byId.set(found.record.id, toOrder(found.record, !found.pending));
    return [...byId.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, limit);
  }

  /** The space's copy while it has one (re-indexed if a rebuild dropped the index), else the store's. */
  private async lookup(orderId: string): Promise<Found | null> {
    const { space } = this.deps;
    const indexed = await space.findOrder(orderId);
    if (indexed) return { record: indexed.record, persisted: !indexed.pending, inSpace: true };
    const stored = await this.deps.orders.get(orderId);
    if (!stored) return null;
    const found = await space.findOrder(orderId, { showId: stored.showId, shard: stored.shard });
    if (found) {
      await space.indexOrder(found.record, found.record.shard);
      return { record: found.record, persisted: !found.pending, inSpace: true };
    }
    return { record: stored, persisted: true, inSpace: false };
  }
}
