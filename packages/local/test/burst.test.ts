import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

/** A small seeded generator, so a failing burst can be replayed exactly. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Attempt {
  customerId: string;
  quantity: number;
  key: string;
}

function plan(seed: number, attempts: number, customers: number): Attempt[] {
  const random = rng(seed);
  const out: Attempt[] = [];
  for (let i = 0; i < attempts; i++) {
    if (out.length > 0 && random() < 0.2) {
      // a replay of an earlier attempt: same key, same body
      const earlier = out[Math.floor(random() * out.length)] as Attempt;
      out.push({ ...earlier });
      continue;
    }
    const customerId = `c${Math.floor(random() * customers)}`;
    out.push({ customerId, quantity: 1 + Math.floor(random() * 4), key: `k-${seed}-${i}-${customerId}` });
  }
  return out;
}

describe.each([1, 4])("a burst of 5,000 buyers on 1,000 tickets with %i shard(s)", (shards) => {
  it("sells exactly the capacity, within limits, replays exactly, and persists exactly what it acknowledged", async () => {
    const capacity = 1000;
    const maxPerCustomer = 4;
    const show = await t.createShow({ capacity, maxPerCustomer, shards });
    await t.preload(show.id);
    // 1,200 customers asking for ~2.5 tickets each, several times: demand far above supply,
    // and many customers try to go past their limit.
    const attempts = plan(shards * 7919, 5000, 1200);

    const results = await Promise.all(
      attempts.map(async (a) => ({ a, res: await t.buy(show.id, a.customerId, a.quantity, a.key) })),
    );

    const statuses = new Map<string, number>();
    for (const { res } of results) {
      const label = `${res.status} ${res.body?.code ?? ""}`.trim();
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
    }
    const allowed = new Set(["201", "200", "409 sold_out", "409 insufficient_inventory", "422 limit_exceeded"]);
    expect(
      [...statuses.keys()].filter((s) => !allowed.has(s)),
      JSON.stringify([...statuses]),
    ).toEqual([]);

    const orders = new Map<string, { id: string; customerId: string; quantity: number }>();
    const byKey = new Map<string, string>();
    for (const { a, res } of results) {
      if (res.status === 409 && res.body.code === "insufficient_inventory") {
        expect(res.body.remaining).toBeGreaterThan(0);
        expect(res.body.remaining).toBeLessThan(a.quantity);
      }
      if (res.status !== 200 && res.status !== 201) continue;
      const order = res.body.order;
      expect(order).toMatchObject({ customerId: a.customerId, quantity: a.quantity, showId: show.id });
      const seen = byKey.get(a.key);
      if (seen) expect(order.id, `replay of ${a.key}`).toBe(seen);
      byKey.set(a.key, order.id);
      orders.set(order.id, order);
    }
    // every key was answered with one order at most, and replays never created a second one
    expect(orders.size).toBe(byKey.size);

    const sold = [...orders.values()].reduce((n, o) => n + o.quantity, 0);
    expect(sold).toBe(capacity);
    const perCustomer = new Map<string, number>();
    for (const o of orders.values()) perCustomer.set(o.customerId, (perCustomer.get(o.customerId) ?? 0) + o.quantity);
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(maxPerCustomer);
    expect(statuses.get("422 limit_exceeded") ?? 0).toBeGreaterThan(0);
    expect(statuses.get("200") ?? 0).toBeGreaterThan(0);

    const avail = await t.request("GET", `/shows/${show.id}/availability`);
    expect(avail.body).toMatchObject({ remaining: 0, soldOut: true });
    // Sold out is final: a buyer after the burst is refused with sold_out, not a partial answer.
    const late = await t.buy(show.id, "latecomer", 1, "late-comer-key-1");
    expect(late.body.code).toBe("sold_out");

    await t.stack.drain();
    const items = (await t.tableItems()).filter((i) => i.__edb_e__ === "order" && i.showId === show.id);
    expect(items.map((i) => i.orderId).sort()).toEqual([...orders.keys()].sort());
    expect(items.reduce((n, i) => n + Number(i.quantity), 0)).toBe(capacity);
    const reads = await Promise.all(
      [...orders.values()].map((o) => t.request("GET", `/orders/${o.id}`, { as: o.customerId })),
    );
    expect(reads.every((r) => r.status === 200 && r.body.order.persisted === true)).toBe(true);

    const stats = await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true });
    expect(stats.body).toMatchObject({ capacity, remaining: 0, sold: capacity, persisted: capacity, pending: 0 });
    expect(stats.body.projectedSold).toBe(capacity);
  });
});
