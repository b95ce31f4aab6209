import { describe, expect, it } from "vitest";
import { sleep } from "../util/index.ts";
import { saleOnFakes } from "./on-fakes.ts";

describe("preload", () => {
  it("puts a draft on sale: the store's status first, then the space's stock split across shards", async () => {
    const t = saleOnFakes();
    const show = await t.show({ capacity: 10, shards: 3 });
    expect((await t.sales.getShow(show.id)).status).toBe("draft");
    expect(await t.sales.listShowsOnSale()).toEqual([]);

    expect(await t.sales.preload(show.id)).toEqual({ showId: show.id, remaining: 10 });
    expect((await t.shows.get(show.id))?.status).toBe("on_sale");
    expect((await t.space.readShards(show.id, 3)).map((s) => [s.stock, s.status])).toEqual([
      [4, "on_sale"],
      [3, "on_sale"],
      [3, "on_sale"],
    ]);
    expect(await t.space.showsOnSale()).toEqual([show.id]);
    expect((await t.sales.listShowsOnSale()).map((s) => [s.id, s.remaining])).toEqual([[show.id, 10]]);
    expect(await t.sales.getShow(show.id)).toMatchObject({ status: "on_sale", remaining: 10, soldOut: false });
  });

  it("is safe to repeat: a second preload changes nothing of what sold", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    await t.sales.purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 3 } });
    expect(await t.sales.preload(show.id)).toEqual({ showId: show.id, remaining: 7 });
    expect(await t.otherProcess().preload(show.id)).toEqual({ showId: show.id, remaining: 7 });
    expect((await t.space.readShards(show.id, 1))[0]?.stock).toBe(7);
  });

  it("loads the stock once when two processes preload at the same moment", async () => {
    const t = saleOnFakes();
    const show = await t.show({ capacity: 10, shards: 2 });
    const both = await Promise.all([t.sales.preload(show.id), t.otherProcess().preload(show.id)]);
    expect(both).toEqual([
      { showId: show.id, remaining: 10 },
      { showId: show.id, remaining: 10 },
    ]);
    expect((await t.space.readShards(show.id, 2)).map((s) => s.stock)).toEqual([5, 5]);
  });

  it("waits for a rebuild that holds the show's lock, and loads nothing over what it restored and sold", async () => {
    const t = saleOnFakes({ options: { rehydrationWaitMs: 2000 } });
    const show = await t.show({ capacity: 10 });
    // A rebuild elsewhere (a buyer saw the show on sale with no shard) holds the lock.
    const token = await t.space.acquireRehydrationLock(show.id, 10_000);
    expect(token).not.toBeNull();
    const preload = t.sales.preload(show.id);
    await sleep(60);
    await t.space.loadShard(show.id, 0, 10, 10);
    await t.space.markOnSale(show.id);
    await t.otherProcess().purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 4 },
    });
    await t.space.releaseRehydrationLock(show.id, token as string);
    expect(await preload).toEqual({ showId: show.id, remaining: 6 });
    expect((await t.space.readShards(show.id, 1))[0]?.stock).toBe(6);
  });

  it("loads no fresh stock when a rebuild ran while it waited and the space lost the show again", async () => {
    const t = saleOnFakes({ options: { rehydrationWaitMs: 2000 } });
    const show = await t.show({ capacity: 10 });
    // A buyer's recovery elsewhere holds the lock and rebuilds the show (numbering its rebuild, as every one does).
    const token = (await t.space.acquireRehydrationLock(show.id, 10_000)) as string;
    const preload = t.sales.preload(show.id);
    await sleep(60);
    await t.shows.nextRebuild(show.id);
    await t.space.loadShard(show.id, 0, 10, 10);
    await t.space.markOnSale(show.id);
    const sold = await t.otherProcess().purchase({
      showId: show.id,
      customerId: "cus_a",
      idempotencyKey: "key-0001",
      body: { quantity: 4 },
    });
    expect(sold.created).toBe(true);
    // The space loses the show before the preload gets the lock: a fresh load now would forget the 4 sold.
    t.space.loseShow(show.id);
    await t.space.releaseRehydrationLock(show.id, token);
    await expect(preload).rejects.toMatchObject({ code: "rehydrating" });
    expect((await t.space.readShards(show.id, 1))[0]?.exists).toBe(false);
    expect(t.rebuildsAsked).toContain(show.id);
    // The claim is spent for good: a later preload rebuilds too.
    expect(await t.shows.claimFirstLoad(show.id)).toBe(false);
  });

  it("answers rehydrating when the lock stays held past the wait, with the status already on sale", async () => {
    const t = saleOnFakes({ options: { rehydrationWaitMs: 100 } });
    const show = await t.show({ capacity: 10 });
    await t.space.acquireRehydrationLock(show.id, 10_000);
    await expect(t.sales.preload(show.id)).rejects.toMatchObject({ code: "rehydrating" });
    // Flipped first: were this process to die now, recovery rebuilds from the (empty) history, never loads twice.
    expect((await t.shows.get(show.id))?.status).toBe("on_sale");
  });

  it("rebuilds, never loads fresh, a show on sale before that the space lost", async () => {
    const t = saleOnFakes();
    const show = await t.show({ capacity: 10 });
    await t.shows.markOnSale(show.id);
    await expect(t.sales.preload(show.id)).rejects.toMatchObject({ code: "rehydrating" });
    expect(new Set(t.rebuildsAsked)).toEqual(new Set([show.id]));
    expect((await t.space.readShards(show.id, 1))[0]?.exists).toBe(false);
  });

  it("answers show_not_found for an unknown show", async () => {
    const t = saleOnFakes();
    await expect(t.sales.preload("shw_01HZZZZZZZZZZZZZZZZZZZZZZZ")).rejects.toMatchObject({ code: "show_not_found" });
  });
});
