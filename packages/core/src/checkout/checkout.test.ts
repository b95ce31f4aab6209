import { describe, expect, it } from "vitest";
import { saleOnFakes } from "../sale/on-fakes.ts";
import { Checkout } from "./index.ts";
import { TEST_CARDS, TestPayments } from "./payments.ts";

function checkoutOnFakes() {
  const t = saleOnFakes();
  const checkout = new Checkout({ space: t.space, sales: t.sales, publisher: t.pump, payments: new TestPayments() });
  return { ...t, checkout };
}

describe("checkout on the fakes", () => {
  it("acknowledges no change its shard's replicas do not hold: 503 and nothing published, the retry lands it", async () => {
    const t = checkoutOnFakes();
    const show = await t.showOnSale({ capacity: 5, priceCents: 1000 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_pip",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    expect(order.status).toBe("held");
    const before = t.published().length;

    t.space.setReplicasAnswering(false);
    await expect(t.checkout.payWithTestCard(order.id, "cus_pip", { card: TEST_CARDS.succeeds })).rejects.toMatchObject({
      code: "unavailable",
    });
    // The retry while they are still behind: the same answer, still nothing published.
    await expect(t.checkout.payWithTestCard(order.id, "cus_pip", { card: TEST_CARDS.succeeds })).rejects.toMatchObject({
      code: "unavailable",
    });
    expect(t.published()).toHaveLength(before);

    t.space.setReplicasAnswering(true);
    // The confirm was made in the space; the retry publishes it (and is not charged again).
    const paid = await t.checkout.payWithTestCard(order.id, "cus_pip", { card: TEST_CARDS.succeeds });
    expect(paid.status).toBe("confirmed");
    expect(
      t
        .published()
        .slice(before)
        .map((r) => [r.id, r.status]),
    ).toEqual([[order.id, "confirmed"]]);
  });
});

describe("tickets a change gives back", () => {
  it("are not for sale until the change is in the pump: a cancel the pump refused sells nothing twice", async () => {
    const t = checkoutOnFakes();
    const show = await t.showOnSale({ capacity: 2, priceCents: 1000 });
    const buy = (customerId: string, key: string) =>
      t.sales.purchase({ showId: show.id, customerId, idempotencyKey: key, body: { quantity: 2 } });
    const { order } = await buy("cus_ann", "key-0001");

    // The cancel is made in the space, but the pump refuses it: were its tickets sold now and the space then lost,
    // DynamoDB would count Ann's order live beside the new one.
    t.pump.refuseNext(1);
    await expect(t.checkout.cancel(order.id, "cus_ann")).rejects.toMatchObject({ code: "unavailable" });
    await expect(buy("cus_bob", "key-0002")).rejects.toMatchObject({ code: "unavailable" });
    expect(await t.sales.availability(show.id)).toMatchObject({ remaining: 0, soldOut: false });

    // The retry lands the cancel in the pump: the tickets are on sale, once.
    expect((await t.checkout.cancel(order.id, "cus_ann")).status).toBe("cancelled");
    expect((await buy("cus_bob", "key-0003")).created).toBe(true);
    await expect(buy("cus_cat", "key-0004")).rejects.toMatchObject({ code: "sold_out" });
  });
});
