import { afterEach, describe, expect, it, vi } from "vitest";
import { saleOnFakes } from "./on-fakes.ts";

afterEach(() => {
  vi.useRealTimers();
});

const quiet = { republished: 0, settled: 0, rehydrated: 0, failed: 0, expired: 0, left: 0 };

describe("sweep", () => {
  it("re-publishes the pending orders older than staleAfterMs, and only those", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { staleAfterMs: 30_000 } });
    const show = await t.showOnSale({ capacity: 10 });
    t.pump.refuseNext(Number.POSITIVE_INFINITY);
    const buy = (customerId: string, key: string) =>
      t.sales
        .purchase({ showId: show.id, customerId, idempotencyKey: key, body: { quantity: 1 } })
        .catch((e) => e.code as string);
    expect(await buy("cus_a", "key-0001")).toBe("unavailable");
    vi.advanceTimersByTime(20_000);
    expect(await buy("cus_b", "key-0002")).toBe("unavailable");
    t.pump.refuseNext(0);
    vi.advanceTimersByTime(10_000);

    expect(await t.sales.sweep()).toEqual({ ...quiet, republished: 1 });
    expect(t.published().map((r) => r.customerId)).toEqual(["cus_a"]);
    vi.advanceTimersByTime(20_000);
    // Still pending (no writer confirmed them): both are stale now, and both go again.
    expect(await t.sales.sweep()).toEqual({ ...quiet, republished: 2 });
  });

  it("counts what the pump refused as failed and leaves it for the next run", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { staleAfterMs: 1000 } });
    const show = await t.showOnSale({ capacity: 10 });
    t.pump.refuseNext(Number.POSITIVE_INFINITY);
    for (const key of ["key-0001", "key-0002"])
      await t.sales
        .purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: key, body: { quantity: 1 } })
        .catch(() => {});
    vi.advanceTimersByTime(1000);
    expect(await t.sales.sweep()).toEqual({ ...quiet, failed: 2 });
    expect((await t.space.readShards(show.id, 1))[0]?.pendingOrders).toBe(2);
  });

  it("publishes nothing its shard's replicas do not hold yet, leaves it pending, and publishes it once they do", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { staleAfterMs: 1000 } });
    const show = await t.showOnSale({ capacity: 10 });
    t.pump.refuseNext(Number.POSITIVE_INFINITY);
    await t.sales
      .purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 2 } })
      .catch(() => {});
    t.pump.refuseNext(0);
    vi.advanceTimersByTime(1000);
    t.space.setReplicasAnswering(false);
    expect(await t.sales.sweep()).toEqual({ ...quiet, left: 1 });
    expect(t.published()).toEqual([]);
    expect((await t.space.readShards(show.id, 1))[0]?.pendingOrders).toBe(1);
    t.space.setReplicasAnswering(true);
    expect(await t.sales.sweep()).toEqual({ ...quiet, republished: 1 });
    expect(t.published().map((r) => [r.customerId, r.quantity])).toEqual([["cus_a", 2]]);
  });

  it("asks for the rebuild of a show the space lost, or froze with no rebuild running", async () => {
    const t = saleOnFakes();
    const lost = await t.show({ capacity: 10 });
    await t.shows.markOnSale(lost.id);
    await t.space.markOnSale(lost.id); // listed on sale, its shards gone
    const frozen = await t.showOnSale({ capacity: 10, shards: 2 });
    await t.space.freezeShard(frozen.id, 1);
    const fine = await t.showOnSale({ capacity: 10 });

    expect(await t.sales.sweep()).toEqual({ ...quiet, rehydrated: 2 });
    expect(new Set(t.rebuildsAsked)).toEqual(new Set([lost.id, frozen.id]));
    expect(t.rebuildsAsked).not.toContain(fine.id);

    // A frozen show whose rebuild holds the lock is left to it.
    t.rebuildsAsked.length = 0;
    await t.space.acquireRehydrationLock(frozen.id, 10_000);
    expect(await t.sales.sweep()).toEqual({ ...quiet, rehydrated: 1 });
    expect(t.rebuildsAsked).toEqual([lost.id]);
  });

  it("returns lapsed holds no reader has seen to sale", async () => {
    let clock = Date.parse("2027-01-01T19:00:00.000Z");
    const t = saleOnFakes({ now: () => clock });
    const show = await t.showOnSale({ capacity: 10, priceCents: 900, holdSeconds: 60 });
    await t.sales.purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 3 } });
    clock += 60_000;
    // `expired` counts orders (one, of three tickets); the shard counts the tickets.
    expect(await t.sales.sweep()).toMatchObject({ expired: 1, rehydrated: 0 });
    expect((await t.space.readShards(show.id, 1))[0]).toMatchObject({ stock: 10, held: 0, expired: 3 });
  });

  it("drains a backlog of many pages across shards within its budget, and with no budget leaves it all", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { staleAfterMs: 1000, sweepBudgetMs: 0 } });
    const show = await t.showOnSale({ capacity: 2000, shards: 2, maxPerCustomer: 1000 });
    t.pump.refuseNext(Number.POSITIVE_INFINITY);
    const n = 1300; // more than two pages of 500 on each shard's home buyer
    for (let i = 0; i < n; i++)
      await t.sales
        .purchase({
          showId: show.id,
          customerId: i % 2 === 0 ? "cus_a" : "cus_b",
          idempotencyKey: `key-${String(i).padStart(4, "0")}`,
          body: { quantity: 1 },
        })
        .catch(() => {});
    t.pump.refuseNext(0);
    vi.advanceTimersByTime(1000);
    expect(await t.sales.sweep()).toEqual({ ...quiet, left: n });
    expect(t.published()).toEqual([]);

    const budgeted = t.otherProcess(undefined, { staleAfterMs: 1000, sweepBudgetMs: 10_000 });
    expect(await budgeted.sweep()).toEqual({ ...quiet, republished: n });
    expect(new Set(t.published().map((r) => r.id)).size).toBe(n);
  });
});
