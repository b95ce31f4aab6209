import { Sales } from "@hotseat/core/sale";
import { InventorySpace, shardKeys } from "@hotseat/core/space";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack, until } from "../src/testing.ts";

// A failover to an asynchronous replica that missed the last writes, reproduced on a real Redis: the shard's keys
// are put back (DUMP/RESTORE) to a copy taken a few writes earlier, which is what the promoted replica holds.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({
    sale: { staleAfterMs: 300, rehydrationWaitMs: 8000 },
    publisher: { budgetMs: 500 },
    poller: { batchingWindowMs: 20 },
  });
});
afterAll(async () => {
  await t?.stop();
});

const redis = () => t.stack.runtime.redis as Redis;

/** Every key of one shard, as DUMP gives it (absent keys left out). */
async function snapshot(showId: string, shard: number) {
  const out: [string, Buffer][] = [];
  for (const key of Object.values(shardKeys(showId, shard))) {
    const dumped = await redis().dumpBuffer(key);
    if (dumped) out.push([key, dumped]);
  }
  return out;
}

/** The shard as the snapshot had it: what a replica promoted without the writes since holds. */
async function restore(showId: string, shard: number, snap: [string, Buffer][]) {
  await redis().del(...Object.values(shardKeys(showId, shard)));
  for (const [key, value] of snap) await redis().restore(key, 0, value);
}

const ticketsInTable = async (showId: string) =>
  (await t.tableItems())
    .filter((i) => i.__edb_e__ === "order" && i.showId === showId)
    .reduce((n, i) => n + Number(i.quantity), 0);

describe("the space goes back to a copy that missed the last takes", () => {
  it("is noticed by the process that saw the lost takes: the replay gets its original order, no oversell", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    const before = await snapshot(show.id, 0);
    const a = await t.buy(show.id, "cus_a", 4, "regress-a-0001");
    const b = await t.buy(show.id, "cus_b", 4, "regress-b-0001");
    expect([a.status, b.status]).toEqual([201, 201]);
    await until("both orders persisted", async () => (await ticketsInTable(show.id)) === 8);

    await restore(show.id, 0, before);
    // The buyer retries (their answer was lost with the node): the same order, never a second one.
    const replay = await t.buy(show.id, "cus_a", 4, "regress-a-0001");
    expect([200, 201]).toContain(replay.status);
    expect(replay.body.order.id).toBe(a.body.order.id);
    // The rebuild counted both lost orders: 2 tickets left, not 10.
    const c = await t.buy(show.id, "cus_c", 4, "regress-c-0001");
    expect(c.body.code).toBe("insufficient_inventory");
    expect((await t.buy(show.id, "cus_c", 2, "regress-c-0002")).status).toBe(201);
    await t.stack.drain();
    expect(await ticketsInTable(show.id)).toBe(10);
  }, 30_000);

  it("is noticed by the writer when no process saw the lost takes: the shard freezes before a second order", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    const before = await snapshot(show.id, 0);
    const a = await t.buy(show.id, "cus_a", 4, "regress-w-0001");
    const b = await t.buy(show.id, "cus_b", 4, "regress-w-0002");
    expect([a.status, b.status]).toEqual([201, 201]);
    await restore(show.id, 0, before);
    // The writer persists the lost orders after the restore and tells the space, which no longer has them.
    await until("the lost orders persisted", async () => (await ticketsInTable(show.id)) === 8);
    await until(
      "the shard flagged",
      async () => (await redis().hget(shardKeys(show.id, 0).inventory, "regressed")) !== null,
    );

    // Another API process, which never saw the lost takes, gets the replay.
    const other = new Sales({
      shows: t.stack.runtime.shows,
      orders: t.stack.runtime.orders,
      space: new InventorySpace(t.stack.runtime.redis),
      publisher: t.stack.runtime.publisher,
      options: { rehydrationWaitMs: 8000 },
    });
    const replay = await other.purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "regress-w-0001",
      body: { quantity: 4 },
    });
    expect(replay.order.id).toBe(a.body.order.id);
    expect(replay.created).toBe(false);
    await expect(
      other.purchase({ showId: show.id, customerId: "cus_c", idempotencyKey: "regress-w-0003", body: { quantity: 4 } }),
    ).rejects.toMatchObject({ code: "insufficient_inventory" });
    await t.stack.drain();
    expect(await ticketsInTable(show.id)).toBe(8);
  }, 30_000);
});
