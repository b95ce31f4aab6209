import { describe, expect, it } from "vitest";
import { saleOnFakes } from "./on-fakes.ts";

describe("stats", () => {
  it("adds up the space's counts across shards beside what the writer projected", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 20, shards: 2, priceCents: 1000 });
    const buy = (customerId: string, quantity: number, key: string) =>
      t.sales.purchase({ showId: show.id, customerId, idempotencyKey: key, body: { quantity } });
    const a = await buy("cus_a", 3, "key-0001"); // shard 0, held
    const b = await buy("cus_b", 2, "key-0002"); // shard 1, held
    await buy("cus_c", 1, "key-0003"); // shard 0, held
    await t.space.changeOrder(show.id, a.order.shard, a.order.id, "confirm", { paymentRef: "pay_1" });
    await t.space.changeOrder(show.id, b.order.shard, b.order.id, "cancel"); // not published: its tickets are releasing
    // The writer has persisted the first version of a's order and projected 4 tickets on shard 0.
    await t.space.confirmPersisted(show.id, 0, [{ id: a.order.id, version: 1, quantity: 3 }]);
    t.table.projections.set(show.id, new Map([[0, 4]]));

    const stats = await t.sales.stats(show.id);
    expect(stats).toMatchObject({
      showId: show.id,
      status: "on_sale",
      capacity: 20,
      remaining: 14,
      sold: 4,
      held: 1,
      confirmed: 3,
      expired: 0,
      cancelled: 2,
      refunded: 0,
      releasing: 2,
      taken: 6,
      projectedSold: 4,
      shards: 2,
    });
    // Pending: every order's current version the writer has not confirmed (a's confirm, b's cancel, c's take).
    expect([stats.pendingOrders, stats.pending, stats.persisted]).toEqual([3, 6, 0]);
    expect(stats.oldestPendingMs).toBeGreaterThanOrEqual(0);
    expect(stats.timeline.buckets.reduce((n, x) => n + x.tickets, 0)).toBe(6);
  });

  it("reports a draft's capacity as remaining, and nothing pending", async () => {
    const t = saleOnFakes();
    const show = await t.show({ capacity: 8 });
    expect(await t.sales.stats(show.id)).toMatchObject({
      status: "draft",
      remaining: 8,
      sold: 0,
      taken: 0,
      pending: 0,
      pendingOrders: 0,
      oldestPendingMs: null,
      projectedSold: 0,
    });
  });
});
