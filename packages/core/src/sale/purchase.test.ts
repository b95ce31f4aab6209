import { describe, expect, it } from "vitest";
import { InMemorySpace } from "../space/in-memory.ts";
import type { Sales } from "./index.ts";
import { type SaleOnFakes, saleOnFakes } from "./on-fakes.ts";

const buy = (sales: Sales, showId: string, customerId: string, quantity: number, key: string) =>
  sales.purchase({ showId, customerId, idempotencyKey: `key-${key}`, body: { quantity } });

const remaining = async (t: SaleOnFakes, showId: string, shards = 1) =>
  (await t.space.readShards(showId, shards)).map((s) => s.stock);

describe("purchase", () => {
  it("takes the tickets, publishes the order, and answers it", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const { order, created } = await buy(t.sales, show.id, "cus_a", 3, "0001");
    expect(created).toBe(true);
    expect(order).toMatchObject({
      showId: show.id,
      customerId: "cus_a",
      quantity: 3,
      status: "confirmed",
      persisted: false,
    });
    expect(t.published().map((r) => r.id)).toEqual([order.id]);
    expect(await remaining(t, show.id)).toEqual([7]);
  });

  it("holds a priced show's tickets for its hold time", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10, priceCents: 2500, holdSeconds: 60 });
    const { order } = await buy(t.sales, show.id, "cus_a", 2, "0001");
    expect(order.status).toBe("held");
    expect(Date.parse(order.holdExpiresAt ?? "") - Date.parse(order.createdAt)).toBe(60_000);
    expect((await t.space.readShards(show.id, 1))[0]?.held).toBe(2);
  });

  it("answers a replay of the same Idempotency-Key with the original order, taking nothing more", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const first = await buy(t.sales, show.id, "cus_a", 3, "0001");
    const again = await buy(t.sales, show.id, "cus_a", 3, "0001");
    expect(again.created).toBe(false);
    expect(again.order.id).toBe(first.order.id);
    expect(await remaining(t, show.id)).toEqual([7]);
    // Still pending in the space (the writer has not confirmed it): published again before it is answered.
    expect(t.published().map((r) => r.id)).toEqual([first.order.id, first.order.id]);
  });

  it("refuses the same key for a different purchase", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    await buy(t.sales, show.id, "cus_a", 3, "0001");
    await expect(buy(t.sales, show.id, "cus_a", 2, "0001")).rejects.toMatchObject({ code: "idempotency_key_reused" });
  });

  it("refuses more than the customer's limit, saying how many more they may buy", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10, maxPerCustomer: 4 });
    await buy(t.sales, show.id, "cus_a", 3, "0001");
    await expect(buy(t.sales, show.id, "cus_a", 2, "0002")).rejects.toMatchObject({
      code: "limit_exceeded",
      details: { remaining: 1 },
    });
    expect(await remaining(t, show.id)).toEqual([7]);
  });

  it("answers sold out when nothing is left", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 2 });
    await buy(t.sales, show.id, "cus_a", 2, "0001");
    await expect(buy(t.sales, show.id, "cus_b", 1, "0002")).rejects.toMatchObject({
      code: "sold_out",
      details: { remaining: 0 },
    });
  });

  it("answers insufficient inventory with what is left when fewer are left than asked", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 5 });
    await buy(t.sales, show.id, "cus_a", 4, "0001");
    await expect(buy(t.sales, show.id, "cus_b", 2, "0002")).rejects.toMatchObject({
      code: "insufficient_inventory",
      details: { remaining: 1 },
    });
    expect(await remaining(t, show.id)).toEqual([1]);
  });

  it("borrows from the other shards when the buyer's home shard is short", async () => {
    const t = saleOnFakes();
    // Two shards of 3; cus_a's home is shard 0, cus_b's shard 1.
    const show = await t.showOnSale({ capacity: 6, shards: 2 });
    const { order } = await buy(t.sales, show.id, "cus_a", 5, "0001");
    expect(order.shard).toBe(0);
    expect(await remaining(t, show.id, 2)).toEqual([0, 1]);
    await buy(t.sales, show.id, "cus_b", 1, "0002");
    await expect(buy(t.sales, show.id, "cus_a", 1, "0003")).rejects.toMatchObject({ code: "sold_out" });
  });

  it("moves nothing between shards when the show as a whole has too few", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 6, shards: 2 });
    await expect(buy(t.sales, show.id, "cus_a", 7, "0001")).rejects.toMatchObject({
      code: "insufficient_inventory",
      details: { remaining: 6 },
    });
    expect(await remaining(t, show.id, 2)).toEqual([3, 3]);
  });

  it("asks for the rebuild of a show the space lost, and answers rehydrating while it is not back", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    // A process on an empty space (the space lost everything) with the same stores.
    const lost = t.otherProcess(new InMemorySpace());
    await expect(buy(lost, show.id, "cus_a", 1, "0001")).rejects.toMatchObject({
      code: "rehydrating",
    });
    expect(t.rebuildsAsked.length).toBeGreaterThan(0);
    expect(new Set(t.rebuildsAsked)).toEqual(new Set([show.id]));
  });

  it("sells once the rebuild it asked for has put the show back", async () => {
    const t = saleOnFakes({
      rebuild: {
        async request(showId) {
          // The rebuild of an empty history: the show's stock again.
          await t.space.loadShard(showId, 0, 10, 10);
          await t.space.markOnSale(showId);
        },
      },
    });
    const show = await t.show({ capacity: 10 });
    await t.shows.markOnSale(show.id); // on sale in the store, never loaded into the space
    const { order, created } = await buy(t.sales, show.id, "cus_a", 2, "0001");
    expect(created).toBe(true);
    expect(order.quantity).toBe(2);
    expect(await remaining(t, show.id)).toEqual([8]);
  });

  it("answers a draft not on sale without asking for a rebuild", async () => {
    const t = saleOnFakes();
    const show = await t.show();
    await expect(buy(t.sales, show.id, "cus_a", 1, "0001")).rejects.toMatchObject({ code: "not_on_sale" });
    expect(t.rebuildsAsked).toEqual([]);
  });

  it("answers unavailable when the pump refuses the order, which stays taken and pending for the sweeper", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    t.pump.refuseNext(Number.POSITIVE_INFINITY);
    await expect(buy(t.sales, show.id, "cus_a", 2, "0001")).rejects.toMatchObject({ code: "unavailable" });
    const [state] = await t.space.readShards(show.id, 1);
    expect(state).toMatchObject({ stock: 8, pendingOrders: 1, pendingTickets: 2 });
    // The retry with the same key, once the pump is back, gets that same order, published now.
    t.pump.refuseNext(0);
    const retry = await buy(t.sales, show.id, "cus_a", 2, "0001");
    expect(retry.created).toBe(false);
    expect(t.published().map((r) => r.id)).toEqual([retry.order.id]);
    expect(await remaining(t, show.id)).toEqual([8]);
  });
});
