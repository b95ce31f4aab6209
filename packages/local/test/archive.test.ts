import { archiveFinishedShows, shardKeys } from "@hotseat/core/space";
import { sweepSpace } from "@hotseat/functions/space-sweep";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

// The space frees a finished show: no expiry and `noeviction` mean nothing else ever does.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ poller: { batchingWindowMs: 20 } });
});
afterAll(async () => {
  await t?.stop();
});

const redis = () => t.stack.runtime.redis as Redis;
const archive = (nowMs?: number) =>
  archiveFinishedShows(t.stack.runtime.space, (id) => t.stack.runtime.sales.showSettings(id), { nowMs });
const shardKeysLeft = async (showId: string, shards: number) => {
  let n = 0;
  for (let s = 0; s < shards; s++) n += await redis().exists(...Object.values(shardKeys(showId, s)));
  return n;
};

describe("archiving a finished show out of the space", () => {
  it("frees every shard once its orders are persisted, and never rebuilds it", async () => {
    const show = await t.createShow({ capacity: 40, maxPerCustomer: 4, shards: 2, startsAt: "2027-01-15T20:00:00Z" });
    await t.preload(show.id);
    const bought = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.buy(show.id, `cus_${i}`, 2, `arch-key-${i}-0`)),
    );
    expect(bought.every((r) => r.status === 201)).toBe(true);
    await t.stack.drain();

    // Not over yet (the event starts in 2027): kept.
    expect((await archive()).archived).not.toContain(show.id);
    const after = Date.parse("2027-01-15T20:00:00Z") + 25 * 3600 * 1000;
    const result = await archive(after);
    expect(result.archived).toContain(show.id);
    expect(await shardKeysLeft(show.id, 2)).toBe(0);
    expect(await t.stack.runtime.space.showsOnSale()).not.toContain(show.id);

    // A buyer, a replay and the sweeper all find it over; nothing puts it back in the space.
    const late = await t.buy(show.id, "cus_late", 1, "arch-key-late");
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: "not_on_sale" });
    expect((await t.buy(show.id, "cus_0", 2, "arch-key-0-0")).body.code).toBe("not_on_sale");
    await t.stack.sweep();
    expect(await shardKeysLeft(show.id, 2)).toBe(0);
    // DynamoDB keeps every order, and the buyer still sees theirs.
    const mine = await t.request("GET", `/orders/${bought[0]?.body.order.id}`, { as: "cus_0" });
    expect(mine.status).toBe(200);
  });

  it("waits while an order is not yet persisted", async () => {
    const show = await t.createShow({ capacity: 10, startsAt: "2027-01-15T20:00:00Z" });
    await t.preload(show.id);
    expect((await t.buy(show.id, "cus_p", 1, "arch-key-pending")).status).toBe(201);
    await t.stack.drain();
    // An order version the writer has not confirmed yet (its publish failed, say).
    const k = shardKeys(show.id, 0);
    await redis().zadd(k.pending, Date.now(), "ord_01M8TCAC9M8179BSPE5MMJEM5K#1");
    const after = Date.parse("2027-01-15T20:00:00Z") + 25 * 3600 * 1000;
    expect((await archive(after)).waiting).toContain(show.id);
    expect(await redis().exists(k.inventory)).toBe(1);
    await redis().zrem(k.pending, "ord_01M8TCAC9M8179BSPE5MMJEM5K#1");
    expect((await archive(after)).archived).toContain(show.id);
  });

  it("shows the space's memory on the admin stats", async () => {
    const show = await t.createShow({ capacity: 10 });
    await t.preload(show.id);
    const stats = await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true });
    expect(stats.status).toBe(200);
    expect(stats.body.space.usedBytes).toBeGreaterThan(0);
    expect(stats.body.space.nodes).toHaveLength(1);
    const maxmemory = Number(((await redis().config("GET", "maxmemory")) as string[])[1]);
    expect(stats.body.space.maxBytes).toBe(maxmemory);
  });

  it("is the sweeper's step, which also reports the space's memory", async () => {
    const show = await t.createShow({ capacity: 4, startsAt: "2020-01-01T20:00:00Z" });
    await t.preload(show.id);
    const r = await sweepSpace(t.stack.runtime);
    expect(r.archived).toBeGreaterThanOrEqual(1);
    expect(await t.stack.runtime.space.showsOnSale()).not.toContain(show.id);
    expect(r.memory.usedBytes).toBeGreaterThan(0);
  });
});
