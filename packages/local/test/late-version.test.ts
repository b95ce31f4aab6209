import { newOrderId, type OrderRecord } from "@hotseat/core/order";
import { fingerprintOf } from "@hotseat/core/space";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

// A version the space made, that the space then lost with its show before the version reached the pump, and
// that reaches the pump anyway after the rebuild's barrier (a request held by the network past the
// publisher's budget and the rebuild's grace). The rebuild counted without it, so the space's new generation
// does not have it. The writer voids it: were it stored, DynamoDB would say one thing and the space another.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ sale: { rehydrationWaitMs: 8000 }, poller: { batchingWindowMs: 20 } });
});
afterAll(async () => {
  await t?.stop();
});

const space = () => t.stack.runtime.space;

/** Each order's current status in DynamoDB: its highest persisted version. */
async function statuses(showId: string) {
  const items = await t.tableItems();
  const orders = items.filter((i) => i.__edb_e__ === "order" && i.showId === showId);
  const latest = new Map<string, { version: number; status: string; quantity: number }>();
  for (const o of orders)
    latest.set(String(o.orderId), {
      version: 1,
      status: o.holdExpiresAt ? "held" : "confirmed",
      quantity: Number(o.quantity),
    });
  for (const s of items.filter((i) => i.__edb_e__ === "orderStatus")) {
    const seen = latest.get(String(s.orderId));
    if (seen && Number(s.version) >= seen.version)
      Object.assign(seen, { version: Number(s.version), status: s.status });
  }
  return latest;
}

const liveTickets = (byId: Map<string, { status: string; quantity: number }>) =>
  [...byId.values()].filter((o) => o.status === "held" || o.status === "confirmed").reduce((n, o) => n + o.quantity, 0);

let marks = 0;
/** Waits until the writer has handled everything published so far: a barrier of the test's own, met on every pump shard. */
async function writerCaughtUp() {
  const barrierId = `bar_test_${++marks}_${Date.now()}`;
  const shards = await t.stack.runtime.publisher.sendBarrier(barrierId);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen = (await t.tableItems()).filter((i) => i.__edb_e__ === "barrier" && i.barrierId === barrierId);
    if (seen.length === shards.length) return;
    if (Date.now() > deadline) throw new Error("the writer did not reach the test's barrier");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The space loses everything, and the next buyer's purchase has the show rebuilt from DynamoDB. */
async function loseAndRebuild(showId: string, buyer: string) {
  await t.stack.runtime.redis.flushall();
  const res = await t.buy(showId, buyer, 1, `late-rebuild-${buyer}-${Date.now()}`);
  expect(res.status).toBe(201);
  return res;
}

describe("a version the space lost reaches the writer after the rebuild", () => {
  it("is voided: a late payment's confirm does not overwrite the cancel the new generation made", async () => {
    const show = await t.createShow({ capacity: 4, maxPerCustomer: 2, priceCents: 1500, holdSeconds: 600 });
    await t.preload(show.id);
    const held = await t.buy(show.id, "cus_ann", 1, "late-ann-0001");
    expect(held.status).toBe(201);
    const id = held.body.order.id as string;
    await t.stack.drain();

    // The old generation confirms the payment, then loses the show before that version is published.
    const lost = await space().changeOrder(show.id, 0, id, "confirm", { paymentRef: "pay_lost" });
    expect(lost.outcome).toBe("changed");
    const late = lost.record as OrderRecord;
    expect(late).toMatchObject({ status: "confirmed", version: 2, generation: "preload" });

    await loseAndRebuild(show.id, "cus_rebuild");
    // The new generation has the hold (the rebuild counted it held) and the buyer cancels it: version 2 again.
    const cancel = await t.request("POST", `/orders/${id}/cancel`, { as: "cus_ann" });
    expect(cancel.status).toBe(200);
    expect(cancel.body.order.status).toBe("cancelled");
    await t.stack.drain();

    expect(await t.stack.runtime.publisher.publishOrder(late)).toBe(true);
    await writerCaughtUp();
    await t.stack.drain();

    const byId = await statuses(show.id);
    expect(byId.get(id)?.status).toBe("cancelled");
    const availability = await t.request("GET", `/shows/${show.id}/availability`);
    // The space and DynamoDB agree: one ticket sold (the rebuild's buyer), three for sale.
    expect(availability.body).toMatchObject({ remaining: 3, held: 1 });
    expect(liveTickets(byId)).toBe(1);
  }, 60_000);

  it("is voided: a take the space lost never lands on a show sold out since (no oversell)", async () => {
    const show = await t.createShow({ capacity: 2, maxPerCustomer: 2 });
    await t.preload(show.id);
    // The old generation takes a ticket (its answer never reached the buyer: the publish had not succeeded).
    const taken = await space().takeTickets({
      showId: show.id,
      shard: 0,
      customerId: "cus_lost",
      idempotencyKey: "late-lost-0001",
      fingerprint: fingerprintOf(1),
      order: {
        id: newOrderId(),
        showId: show.id,
        customerId: "cus_lost",
        quantity: 1,
        createdAt: new Date().toISOString(),
        idempotencyKey: "late-lost-0001",
        shard: 0,
        priceCents: 0,
        status: "confirmed",
        version: 1,
      },
      holdMs: 0,
    });
    expect(taken.outcome).toBe("ok");
    const late = (taken as { record: OrderRecord }).record;
    expect(late.generation).toBe("preload");

    // The space loses it; the rebuild finds nothing sold and the show sells out to two others.
    await loseAndRebuild(show.id, "cus_one");
    expect((await t.buy(show.id, "cus_two", 1, "late-two-0001")).status).toBe(201);
    expect((await t.buy(show.id, "cus_three", 1, "late-three-0001")).body.code).toBe("sold_out");
    await t.stack.drain();

    expect(await t.stack.runtime.publisher.publishOrder(late)).toBe(true);
    await writerCaughtUp();
    await t.stack.drain();

    const byId = await statuses(show.id);
    expect(byId.has(late.id)).toBe(false);
    expect(liveTickets(byId)).toBe(2);
    const stats = await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true });
    expect(stats.body).toMatchObject({ remaining: 0, sold: 2, pending: 0 });
  }, 60_000);

  it("keeps what belongs: a version of the new generation, and the old one's before the barrier", async () => {
    const show = await t.createShow({ capacity: 5, maxPerCustomer: 2 });
    await t.preload(show.id);
    const before = await t.buy(show.id, "cus_early", 1, "late-early-0001");
    await t.stack.drain();
    await loseAndRebuild(show.id, "cus_after");
    const after = await t.buy(show.id, "cus_later", 2, "late-later-0001");
    await t.stack.drain();
    const byId = await statuses(show.id);
    expect(byId.get(before.body.order.id)?.status).toBe("confirmed");
    expect(byId.get(after.body.order.id)?.status).toBe("confirmed");
    expect(liveTickets(byId)).toBe(4);
  }, 60_000);
});
