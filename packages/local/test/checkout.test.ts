import { homeShard } from "@hotseat/core/space";
import { sleep } from "@hotseat/core/util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

// Checkout through the HTTP API of a real local stack, with the test provider: holds, payment,
// expiry, cancellation, refund, and what a rebuild of the space keeps of them.

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ publisher: { budgetMs: 500 } });
});
afterAll(async () => {
  await t?.stop();
});

const PAYS = "4242424242424242";

/** Retries while the answer is 503 (the show is being rebuilt by the worker), as a buyer's client does. */
async function polling<R extends { status: number }>(f: () => Promise<R>): Promise<R> {
  let res = await f();
  for (let i = 0; res.status === 503 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await f();
  }
  return res;
}
const DECLINES = "4000000000000002";
const errorShape = (code: string) => expect.objectContaining({ code, message: expect.any(String) });
let keys = 0;
const key = () => `checkout-key-${++keys}-${Date.now()}`;

const buy = (showId: string, as: string, quantity = 1, idempotencyKey = key()) =>
  t.request("POST", `/shows/${showId}/orders`, { body: { quantity }, idempotencyKey, as });
const pay = (orderId: string, as: string, card = PAYS) =>
  t.request("POST", `/orders/${orderId}/test-payment`, { body: { card }, as });
const availability = async (showId: string) => (await t.request("GET", `/shows/${showId}/availability`)).body;
/** Availability is one shared read per 200 ms per process (its max-age is a second): what it says within a second. */
async function availabilitySoon(showId: string, expected: Record<string, unknown>) {
  let last: unknown;
  for (let i = 0; i < 20; i++) {
    last = await availability(showId);
    if (Object.entries(expected).every(([k, v]) => (last as Record<string, unknown>)[k] === v)) return last;
    await sleep(60);
  }
  return last;
}
const stats = async (showId: string) => (await t.request("GET", `/admin/shows/${showId}/stats`, { admin: true })).body;
const orderOf = async (orderId: string, as: string) =>
  (await t.request("GET", `/orders/${orderId}`, { as })).body.order;

/** Waits until the writer has the order at its current status. */
async function persisted(orderId: string, as: string) {
  for (let i = 0; i < 100; i++) {
    const o = await orderOf(orderId, as);
    if (o?.persisted) return o;
    await sleep(50);
  }
  throw new Error(`order ${orderId} was not persisted`);
}

describe("a purchase of a priced show", () => {
  it("holds the tickets with a deadline, and the test card confirms them", async () => {
    const show = await t.createShow({ capacity: 10, priceCents: 2500, holdSeconds: 120 });
    await t.preload(show.id);
    const before = Date.now();
    const held = await buy(show.id, "ann", 2);
    expect(held.status).toBe(201);
    expect(held.body.order).toMatchObject({ status: "held", quantity: 2 });
    const deadline = Date.parse(held.body.order.holdExpiresAt);
    expect(deadline).toBeGreaterThanOrEqual(before + 120_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(await availability(show.id)).toMatchObject({ remaining: 8, held: 2, soldOut: false });

    const id = held.body.order.id;
    const checkout = await t.request("POST", `/orders/${id}/checkout`, { as: "ann" });
    expect(checkout.status).toBe(200);
    expect(checkout.body.checkout).toMatchObject({
      provider: "test",
      expiresAt: held.body.order.holdExpiresAt,
      amountCents: 5000,
    });
    expect((await t.request("POST", `/orders/${id}/checkout`, { as: "ann" })).body).toEqual(checkout.body);
    expect((await t.request("POST", `/orders/${id}/checkout`, { as: "bob" })).status).toBe(404);

    const declined = await pay(id, "ann", DECLINES);
    expect(declined.status).toBe(402);
    expect(declined.body).toEqual(errorShape("payment_declined"));
    expect(await orderOf(id, "ann")).toMatchObject({ status: "held" });

    const paid = await pay(id, "ann");
    expect(paid.status).toBe(200);
    expect(paid.body.order).toMatchObject({ id, status: "confirmed" });
    expect((await pay(id, "ann")).body.order.status).toBe("confirmed");
    expect(await availabilitySoon(show.id, { remaining: 8, held: 0 })).toMatchObject({ remaining: 8, held: 0 });
    expect(await persisted(id, "ann")).toMatchObject({ status: "confirmed" });
    expect(await stats(show.id)).toMatchObject({ capacity: 10, remaining: 8, held: 0, confirmed: 2, sold: 2 });
  });

  it("confirms a free show's purchase at once", async () => {
    const show = await t.createShow({ capacity: 5, priceCents: 0 });
    await t.preload(show.id);
    const res = await buy(show.id, "free");
    expect(res.body.order).toMatchObject({ status: "confirmed" });
    expect(res.body.order.holdExpiresAt).toBeUndefined();
    const checkout = await t.request("POST", `/orders/${res.body.order.id}/checkout`, { as: "free" });
    expect(checkout.status).toBe(409);
    expect(checkout.body).toEqual(errorShape("not_payable"));
  });

  it("refuses bad payment input with 400 and a stranger with 404, changing nothing", async () => {
    const show = await t.createShow({ capacity: 5, priceCents: 100 });
    await t.preload(show.id);
    const id = (await buy(show.id, "cat")).body.order.id;
    for (const body of [{}, { card: "4242" }, { card: 4242424242424242 }, { card: PAYS, extra: 1 }]) {
      const res = await t.request("POST", `/orders/${id}/test-payment`, { body, as: "cat" });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await pay(id, "dog")).status).toBe(404);
    expect((await t.request("POST", `/orders/${id}/test-payment`, { body: { card: PAYS } })).status).toBe(401);
    expect((await t.request("POST", "/orders/nope/cancel", { as: "cat" })).status).toBe(404);
    expect(await orderOf(id, "cat")).toMatchObject({ status: "held" });
  });
});

describe("a hold past its deadline", () => {
  it("is back on sale within a second, expired for its buyer, and money after it is refused", async () => {
    const show = await t.createShow({ capacity: 3, priceCents: 900, holdSeconds: 5, maxPerCustomer: 3 });
    await t.preload(show.id);
    const held = await buy(show.id, "eve", 3);
    const id = held.body.order.id;
    const deadline = Date.parse(held.body.order.holdExpiresAt);
    // Sold out means nothing left and nothing held: three held tickets may come back.
    expect(await availability(show.id)).toMatchObject({ remaining: 0, held: 3, soldOut: false });
    expect((await buy(show.id, "fay")).body.code).toBe("sold_out");

    await sleep(Math.max(0, deadline - Date.now() - 100));
    let backAt = 0;
    for (let i = 0; i < 40 && !backAt; i++) {
      if ((await availability(show.id)).remaining === 3) backAt = Date.now();
      else await sleep(50);
    }
    expect(backAt).toBeGreaterThan(0);
    expect(backAt - deadline).toBeLessThan(1000);
    expect(await orderOf(id, "eve")).toMatchObject({ status: "expired" });
    const late = await pay(id, "eve");
    expect(late.status).toBe(409);
    expect(late.body).toEqual(errorShape("hold_expired"));
    expect((await t.request("POST", `/orders/${id}/checkout`, { as: "eve" })).body.code).toBe("hold_expired");
    expect(await persisted(id, "eve")).toMatchObject({ status: "expired" });
    // Its buyer's limit is free again too.
    expect((await buy(show.id, "eve", 3)).status).toBe(201);
    expect(await stats(show.id)).toMatchObject({ held: 3, expired: 3, remaining: 0 });
  });

  it("is never a sold out for a buyer on another shard: the purchase reclaims lapsed holds everywhere first", async () => {
    const show = await t.createShow({ capacity: 2, priceCents: 300, holdSeconds: 5, shards: 2 });
    await t.preload(show.id);
    const on = (shard: number, prefix: string) => {
      for (let i = 0; ; i++) if (homeShard(`${prefix}${i}`, 2) === shard) return `${prefix}${i}`;
    };
    const payer = on(0, "payer");
    const lapser = on(1, "lapser");
    const late = on(0, "late");
    const paid = (await buy(show.id, payer)).body.order;
    await pay(paid.id, payer);
    const held = (await buy(show.id, lapser)).body.order;
    expect(held.shard).toBe(1);
    expect((await buy(show.id, late)).body.code).toBe("sold_out");
    // No reader and no sweeper in between: only the purchase itself can notice the lapse on shard 1.
    await sleep(Date.parse(held.holdExpiresAt) - Date.now() + 50);
    const bought = await buy(show.id, late);
    expect(bought.status).toBe(201);
    expect(await orderOf(held.id, lapser)).toMatchObject({ status: "expired" });
  });

  it("keeps remaining + held + confirmed = capacity while most of a burst of holds lapse, then sells them again", async () => {
    const capacity = 24;
    const show = await t.createShow({ capacity, priceCents: 500, holdSeconds: 5, shards: 2 });
    await t.preload(show.id);
    const holds = await Promise.all(Array.from({ length: capacity }, (_, i) => buy(show.id, `lapse${i}`)));
    expect(holds.every((h) => h.status === 201)).toBe(true);
    const payers = holds.slice(0, 6);
    for (const h of payers) expect((await pay(h.body.order.id, h.body.order.customerId)).status).toBe(200);

    const deadline = Math.max(...holds.map((h) => Date.parse(h.body.order.holdExpiresAt)));
    const samples: number[] = [];
    while (Date.now() < deadline + 1200) {
      const s = await stats(show.id);
      samples.push(s.remaining + s.held + s.confirmed);
      await sleep(150);
    }
    expect(new Set(samples)).toEqual(new Set([capacity]));
    expect(await availability(show.id)).toMatchObject({ remaining: capacity - 6, held: 0 });

    const again = await Promise.all(Array.from({ length: capacity - 6 }, (_, i) => buy(show.id, `second${i}`)));
    for (const r of again) expect((await pay(r.body.order.id, r.body.order.customerId)).status).toBe(200);
    const soldOut = { remaining: 0, held: 0, soldOut: true };
    expect(await availabilitySoon(show.id, soldOut)).toMatchObject(soldOut);
    await t.stack.drain();
    expect(await stats(show.id)).toMatchObject({
      remaining: 0,
      held: 0,
      confirmed: capacity,
      expired: capacity - 6,
      pending: 0,
    });
  });
});

describe("cancellation and refund", () => {
  it("lets a buyer release a hold, with the tickets back at once; only a held order", async () => {
    const show = await t.createShow({ capacity: 4, priceCents: 100, maxPerCustomer: 4 });
    await t.preload(show.id);
    const id = (await buy(show.id, "gil", 2)).body.order.id;
    const cancelled = await t.request("POST", `/orders/${id}/cancel`, { as: "gil" });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order).toMatchObject({ status: "cancelled" });
    expect(await availabilitySoon(show.id, { remaining: 4, held: 0 })).toMatchObject({ remaining: 4, held: 0 });
    expect((await t.request("POST", `/orders/${id}/cancel`, { as: "gil" })).body.order.status).toBe("cancelled");
    expect((await t.request("POST", `/orders/${id}/cancel`, { as: "hal" })).status).toBe(404);
    expect((await pay(id, "gil")).body).toEqual(errorShape("not_payable"));

    const paid = (await buy(show.id, "gil", 1)).body.order.id;
    await pay(paid, "gil");
    const refused = await t.request("POST", `/orders/${paid}/cancel`, { as: "gil" });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(errorShape("not_cancellable"));
    expect(await persisted(id, "gil")).toMatchObject({ status: "cancelled" });
  });

  it("lets an admin refund a confirmed order, returning its tickets to sale; buyers cannot", async () => {
    const show = await t.createShow({ capacity: 4, priceCents: 100 });
    await t.preload(show.id);
    const id = (await buy(show.id, "ivy", 2)).body.order.id;
    const early = await t.request("POST", `/admin/orders/${id}/refund`, { admin: true });
    expect(early.status).toBe(409);
    expect(early.body).toEqual(errorShape("not_refundable"));
    await pay(id, "ivy");
    expect((await t.request("POST", `/admin/orders/${id}/refund`, { as: "ivy" })).status).toBe(401);
    const refunded = await t.request("POST", `/admin/orders/${id}/refund`, { admin: true });
    expect(refunded.status).toBe(200);
    expect(refunded.body.order).toMatchObject({ id, status: "refunded" });
    expect(await availabilitySoon(show.id, { remaining: 4 })).toMatchObject({ remaining: 4 });
    const again = await t.request("POST", `/admin/orders/${id}/refund`, { admin: true });
    expect(again.body.order.status).toBe("refunded");
    expect(await availability(show.id)).toMatchObject({ remaining: 4 });
    expect(await persisted(id, "ivy")).toMatchObject({ status: "refunded" });
    expect(await stats(show.id)).toMatchObject({ refunded: 2, confirmed: 0, remaining: 4 });
  });
});

describe("a change the pump does not take", () => {
  it("is not acknowledged (503), and the retry publishes it: pay, cancel and refund end persisted", async () => {
    const publisher = t.stack.runtime.publisher;
    const real = publisher.publishOrder.bind(publisher);
    // The pump refusing every record, as a publish whose retries all failed answers (false), for one call each.
    const refuseNext = () => {
      publisher.publishOrder = async () => {
        publisher.publishOrder = real;
        return false;
      };
    };
    const show = await t.createShow({ capacity: 5, priceCents: 1000 });
    await t.preload(show.id);
    const paid = (await buy(show.id, "pip", 1)).body.order;
    const released = (await buy(show.id, "rex", 1)).body.order;
    await t.stack.drain();

    refuseNext();
    const unpaid = await pay(paid.id, "pip");
    expect(unpaid.status).toBe(503);
    expect(unpaid.body).toEqual(errorShape("unavailable"));
    expect(unpaid.headers.get("retry-after")).toBe("1");
    // The retry is not charged again, and lands the confirmation in the pump.
    expect((await pay(paid.id, "pip")).body.order).toMatchObject({ status: "confirmed" });
    expect(await persisted(paid.id, "pip")).toMatchObject({ status: "confirmed" });

    refuseNext();
    expect((await t.request("POST", `/orders/${released.id}/cancel`, { as: "rex" })).status).toBe(503);
    expect((await t.request("POST", `/orders/${released.id}/cancel`, { as: "rex" })).status).toBe(200);
    expect(await persisted(released.id, "rex")).toMatchObject({ status: "cancelled" });

    refuseNext();
    expect((await t.request("POST", `/admin/orders/${paid.id}/refund`, { admin: true })).status).toBe(503);
    expect((await t.request("POST", `/admin/orders/${paid.id}/refund`, { admin: true })).body.order).toMatchObject({
      status: "refunded",
    });
    expect(await persisted(paid.id, "pip")).toMatchObject({ status: "refunded" });
    expect(publisher.publishOrder).toBe(real);
  });
});

describe("a rebuild of the space", () => {
  it("restores live holds with their deadlines, paid orders, and what was given back", async () => {
    const show = await t.createShow({ capacity: 10, priceCents: 100, holdSeconds: 300, maxPerCustomer: 5 });
    await t.preload(show.id);
    const held = (await buy(show.id, "jon", 2)).body.order;
    const paid = (await buy(show.id, "kim", 3)).body.order;
    await pay(paid.id, "kim");
    const cancelled = (await buy(show.id, "lee", 1)).body.order;
    await t.request("POST", `/orders/${cancelled.id}/cancel`, { as: "lee" });
    await t.stack.drain();

    await t.stack.runtime.redis.flushall();
    // The next buyer finds the show gone and asks for its rebuild from DynamoDB after the pump drained (503, then polls).
    expect((await polling(() => buy(show.id, "mia", 1))).status).toBe(201);
    expect(await availabilitySoon(show.id, { remaining: 4, held: 3 })).toMatchObject({ remaining: 4, held: 3 });
    const restored = await orderOf(held.id, "jon");
    // Its deadline, plus the seconds the show was frozen (no one could pay then).
    expect(restored).toMatchObject({ status: "held" });
    expect(Date.parse(restored.holdExpiresAt)).toBeGreaterThanOrEqual(Date.parse(held.holdExpiresAt));
    expect(Date.parse(restored.holdExpiresAt)).toBeLessThan(Date.parse(held.holdExpiresAt) + 30_000);
    expect((await pay(held.id, "jon")).body.order.status).toBe("confirmed");
    expect(await orderOf(cancelled.id, "lee")).toMatchObject({ status: "cancelled" });
    // Limits count live tickets only: lee's cancelled ticket is not held against them.
    expect((await buy(show.id, "lee", 5)).body.code).toBe("insufficient_inventory");
    expect((await buy(show.id, "lee", 4)).status).toBe(201);
  });

  it("lets a buyer pay a hold the space lost, without waiting for a purchase to rebuild the show", async () => {
    const show = await t.createShow({ capacity: 3, priceCents: 100, holdSeconds: 300 });
    await t.preload(show.id);
    const held = (await buy(show.id, "ned", 2)).body.order;
    await t.stack.drain();
    await t.stack.runtime.redis.flushall();
    const paid = await polling(() => pay(held.id, "ned"));
    expect(paid.status).toBe(200);
    expect(paid.body.order).toMatchObject({ id: held.id, status: "confirmed" });
    expect(await availabilitySoon(show.id, { remaining: 1, held: 0 })).toMatchObject({ remaining: 1, held: 0 });
  });
});
