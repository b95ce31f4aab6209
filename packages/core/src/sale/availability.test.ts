import { afterEach, describe, expect, it, vi } from "vitest";
import { saleOnFakes } from "./on-fakes.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("availability", () => {
  it("shares one read of the space among the callers within the cache window, then reads again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { availabilityCacheMs: 1000 } });
    const show = await t.showOnSale({ capacity: 10 });
    const reads = vi.spyOn(t.space, "readShards");
    const first = await Promise.all([t.sales.availability(show.id), t.sales.availability(show.id)]);
    expect(first).toEqual([
      { showId: show.id, remaining: 10, held: 0, soldOut: false, onSale: true },
      { showId: show.id, remaining: 10, held: 0, soldOut: false, onSale: true },
    ]);
    await t.sales.purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 3 } });
    vi.advanceTimersByTime(999);
    // Within the window: the shared value (the count only falls, so it never claims sold out early).
    expect((await t.sales.availability(show.id)).remaining).toBe(10);
    expect(reads).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect((await t.sales.availability(show.id)).remaining).toBe(7);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it("serializes the shared read once, and offers it ready only while it is fresh", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { availabilityCacheMs: 500 } });
    const show = await t.showOnSale({ capacity: 4 });
    expect(t.sales.availabilityJsonReady(show.id)).toBeUndefined();
    const json = await t.sales.availabilityJson(show.id);
    expect(JSON.parse(json)).toEqual({ showId: show.id, remaining: 4, held: 0, soldOut: false, onSale: true });
    expect(t.sales.availabilityJsonReady(show.id)).toBe(json);
    vi.advanceTimersByTime(500);
    expect(t.sales.availabilityJsonReady(show.id)).toBeUndefined();
  });

  it("reads every time with no cache window", async () => {
    const t = saleOnFakes({ options: { availabilityCacheMs: 0 } });
    const show = await t.showOnSale({ capacity: 10 });
    const reads = vi.spyOn(t.space, "readShards");
    await t.sales.availability(show.id);
    await t.sales.availability(show.id);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(t.sales.availabilityJsonReady(show.id)).toBeUndefined();
  });

  it("answers show_not_found for an unknown show, and shares no failed read", async () => {
    const t = saleOnFakes({ options: { availabilityCacheMs: 10_000 } });
    await expect(t.sales.availability("shw_01HZZZZZZZZZZZZZZZZZZZZZZZ")).rejects.toMatchObject({
      code: "show_not_found",
    });
    expect(t.sales.availabilityJsonReady("shw_01HZZZZZZZZZZZZZZZZZZZZZZZ")).toBeUndefined();
  });

  it("returns lapsed holds to sale when read, and puts their expiry on the pump", async () => {
    let clock = Date.parse("2027-01-01T19:00:00.000Z");
    const t = saleOnFakes({ now: () => clock });
    const show = await t.showOnSale({ capacity: 10, shards: 2, priceCents: 1500, holdSeconds: 30 });
    const { order } = await t.sales.purchase({
      showId: show.id,
      customerId: "cus_b",
      idempotencyKey: "key-0001",
      body: { quantity: 2 },
    });
    expect(await t.sales.availability(show.id)).toMatchObject({ remaining: 8, held: 2, soldOut: false });
    clock += 29_999;
    expect(await t.sales.availability(show.id)).toMatchObject({ remaining: 8, held: 2 });
    clock += 1;
    expect(await t.sales.availability(show.id)).toMatchObject({ remaining: 10, held: 0 });
    expect(
      t
        .published()
        .filter((r) => r.id === order.id)
        .map((r) => [r.status, r.version]),
    ).toEqual([
      ["held", 1],
      ["expired", 2],
    ]);
    const stats = await t.sales.stats(show.id);
    expect(stats).toMatchObject({ expired: 2, held: 0, sold: 0, taken: 2 });
  });

  it("answers a sold-out show only when nothing is held either (a hold may come back)", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 2, priceCents: 1500 });
    await t.sales.purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 2 } });
    expect(await t.sales.availability(show.id)).toMatchObject({ remaining: 0, held: 2, soldOut: false });
  });
});
