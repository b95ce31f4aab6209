import { describe, expect, it } from "vitest";
import { InMemorySpace } from "../space/in-memory.ts";
import { saleOnFakes } from "./on-fakes.ts";

const UNKNOWN = "ord_01HZZZZZZZZZZZZZZZZZZZZZZZ";

describe("orders", () => {
  it("answers an order to its owner only: to anyone else it is not found, as one that does not exist", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    expect(await t.sales.getOrder(order.id, "cus_a")).toEqual(order);
    await expect(t.sales.getOrder(order.id, "cus_b")).rejects.toMatchObject({ code: "order_not_found" });
    await expect(t.sales.getOrder(UNKNOWN, "cus_a")).rejects.toMatchObject({ code: "order_not_found" });
  });

  it("says an order is persisted once the writer confirmed its version to the space", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    expect((await t.sales.getOrder(order.id, "cus_a")).persisted).toBe(false);
    await t.space.confirmPersisted(show.id, 0, [{ id: order.id, version: 1, quantity: 2 }]);
    expect((await t.sales.getOrder(order.id, "cus_a")).persisted).toBe(true);
  });

  it("finds an order in the store once the space no longer has it, for its owner only", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    await t.projection.putOrders([t.published()[0] ?? expect.fail("not published")]);
    const elsewhere = t.otherProcess(new InMemorySpace());
    expect(await elsewhere.getOrder(order.id, "cus_a")).toMatchObject({ id: order.id, quantity: 2, persisted: true });
    await expect(elsewhere.getOrder(order.id, "cus_b")).rejects.toMatchObject({ code: "order_not_found" });
  });

  it("finds an order the space holds but lost the index of (a rebuild), and indexes it again", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    const record = t.published()[0] ?? expect.fail("not published");
    await t.projection.putOrders([record]);
    // A space with the show's shard but no order index: what a rebuild leaves.
    const rebuilt = new InMemorySpace();
    await rebuilt.loadShard(show.id, 0, 10, 10);
    await rebuilt.takeTickets({
      showId: show.id,
      shard: 0,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      fingerprint: "q2",
      order: record,
      holdMs: 0,
    });
    expect(await rebuilt.locateOrder(order.id)).toBeNull();
    const sales = t.otherProcess(rebuilt);
    expect(await sales.orderInSpace(order.id)).toMatchObject({ id: order.id, quantity: 2 });
    expect(await rebuilt.locateOrder(order.id)).toEqual({ showId: show.id, shard: 0 });
  });

  it("asks for the rebuild of a lost show before it answers an order to change", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    await t.projection.putOrders([t.published()[0] ?? expect.fail("not published")]);
    const lost = t.otherProcess(new InMemorySpace());
    await expect(lost.orderInSpace(order.id)).rejects.toMatchObject({ code: "rehydrating" });
    expect(new Set(t.rebuildsAsked)).toEqual(new Set([show.id]));
    expect(await lost.orderInSpace(UNKNOWN)).toBeNull();
  });

  it("lists a buyer's orders newest first, the store's merged with the space's newer copies", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 20, priceCents: 500 });
    const buy = async (customerId: string, key: string) =>
      (await t.sales.purchase({ showId: show.id, customerId, idempotencyKey: key, body: { quantity: 1 } })).order;
    const first = await buy("cus_a", "key-0001");
    await new Promise((r) => setTimeout(r, 2));
    const second = await buy("cus_a", "key-0002");
    await new Promise((r) => setTimeout(r, 2));
    const third = await buy("cus_a", "key-0003");
    await buy("cus_b", "key-0004");
    // The writer has the first two (held), not the third; the space has since confirmed the second.
    const held = (id: string) => t.published().find((r) => r.id === id) ?? expect.fail("not published");
    await t.projection.putOrders([held(first.id), held(second.id)]);
    await t.space.changeOrder(show.id, 0, second.id, "confirm", { paymentRef: "pay_2" });

    const mine = await t.sales.customerOrders("cus_a");
    expect(mine.map((o) => [o.id, o.status])).toEqual([
      [third.id, "held"],
      [second.id, "confirmed"],
      [first.id, "held"],
    ]);
    expect((await t.sales.customerOrders("cus_a", 2)).map((o) => o.id)).toEqual([third.id, second.id]);

    // A process whose space no longer has them still lists what the store holds.
    const elsewhere = t.otherProcess(new InMemorySpace());
    expect((await elsewhere.customerOrders("cus_a")).map((o) => [o.id, o.status, o.persisted])).toEqual([
      [second.id, "held", true],
      [first.id, "held", true],
    ]);
  });
});
