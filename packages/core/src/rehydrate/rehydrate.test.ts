import { describe, expect, it } from "vitest";
import { InMemoryOrderStore, InMemoryProjectionStore, InMemoryShowStore, InMemoryTable } from "../db/in-memory.ts";
import { newOrderId, type OrderRecord } from "../order/index.ts";
import { type PumpMessage, projectBatch } from "../projection/index.ts";
import { InMemoryPump } from "../pump/in-memory.ts";
import type { Show } from "../show/index.ts";
import { InMemorySpace } from "../space/in-memory.ts";
import { fingerprintOf } from "../space/index.ts";
import { rehydrateShow } from "./index.ts";

// A whole rebuild in memory: the space (InMemorySpace, held to the Redis space's contract), the table
// (db/in-memory.ts, held to DynamoDB's), the pump (InMemoryPump, one shard), and a slow writer that
// projects one pump record (projectBatch) each time the rebuild waits.

const show: Show = {
  id: "shw_01JAAAAAAAAAAAAAAAAAAAAAAA",
  name: "The Hot Show",
  venue: "Arena",
  startsAt: "2027-01-15T20:00:00.000Z",
  capacity: 10,
  priceCents: 0,
  maxPerCustomer: 4,
  shards: 2,
  holdSeconds: 600,
  status: "on_sale",
  createdAt: "2026-12-01T10:00:00.000Z",
};
/** The writer's side of a one-shard pump: the records from `at` on, as the event source hands them over. */
function reader(pump: InMemoryPump) {
  const [shardId] = pump.shardIds as [string];
  let at = 0;
  return (limit = Number.POSITIVE_INFINITY): PumpMessage[] => {
    const records = pump.read(shardId, at).slice(0, limit);
    at += records.length;
    return records.map((r, i) => ({
      id: String(at - records.length + i + 1),
      data: JSON.stringify(r.event),
      pumpShardId: shardId,
    }));
  };
}

async function stage() {
  const table = new InMemoryTable();
  const orders = new InMemoryOrderStore(table);
  const shows = new InMemoryShowStore(table);
  await shows.create(show);
  const store = new InMemoryProjectionStore(table);
  const pump = new InMemoryPump({ shards: 1 });
  const nextRecords = reader(pump);
  const state = { space: new InMemorySpace() };
  /** The writer's turn: the next `limit` records the pump holds, projected in one batch. */
  const write = async (limit = Number.POSITIVE_INFINITY) => {
    const result = await projectBatch({ store, space: state.space }, nextRecords(limit));
    expect(result.failures).toEqual([]);
  };
  const load = async () => {
    for (const s of [0, 1]) await state.space.loadShard(show.id, s, 5, show.maxPerCustomer);
    await state.space.markOnSale(show.id);
  };
  const take = async (customerId: string, shard: number, quantity: number, key = `key-${customerId}-0000`) => {
    const order = {
      id: newOrderId(),
      showId: show.id,
      customerId,
      quantity,
      createdAt: new Date().toISOString(),
      idempotencyKey: key,
      shard,
      priceCents: 0,
      status: "confirmed" as const,
      version: 1,
    };
    const input = { showId: show.id, shard, customerId, idempotencyKey: key, fingerprint: fingerprintOf(quantity) };
    return state.space.takeTickets({ ...input, order, holdMs: 0 });
  };
  const bought = async (customerId: string, shard: number, quantity: number) => {
    const r = await take(customerId, shard, quantity);
    if (r.outcome !== "ok") throw new Error(`take: ${r.outcome}`);
    return r.record;
  };
  const rebuild = () =>
    rehydrateShow(
      { orders, shows, space: state.space, publisher: pump, sleep: () => write(1), barrierTimeoutMs: 5_000 },
      show,
    );
  const remaining = async () => (await state.space.readShards(show.id, show.shards)).reduce((n, s) => n + s.stock, 0);
  const persistedTickets = async () => (await orders.ofShow(show.id)).reduce((n, o) => n + o.quantity, 0);
  return { table, orders, pump, state, write, load, take, bought, rebuild, remaining, persistedTickets };
}

describe("rehydrateShow", () => {
  it("counts every order persisted before its barrier, one still in the pump included, when the space lost the show", async () => {
    const t = await stage();
    await t.load();
    const written = await t.bought("cus-a", 0, 2);
    await t.pump.publishOrder(written);
    await t.write();
    // Acknowledged, in the pump, not yet written when the space loses everything.
    const inFlight = await t.bought("cus-b", 1, 3);
    const alsoInFlight = await t.bought("cus-f", 0, 1);
    await t.pump.publishOrder(inFlight);
    await t.pump.publishOrder(alsoInFlight);
    t.state.space = new InMemorySpace();

    expect(await t.rebuild()).toEqual({ remaining: 4, orders: 3 });
    expect(await t.remaining()).toBe(4);
    const byId = (os: OrderRecord[]) => [...os].sort((a, b) => a.id.localeCompare(b.id)).map((o) => o.id);
    expect(byId(await t.orders.ofShow(show.id))).toEqual(byId([written, inFlight, alsoInFlight]));
    // A replay finds its order again: nothing taken twice.
    const replay = await t.take("cus-b", 1, 3);
    expect(replay.outcome).toBe("replay");

    // What is left sells once, and no more: 10 tickets persisted for a capacity of 10.
    for (const [customer, shard, quantity] of [
      ["cus-c", 0, 2],
      ["cus-d", 1, 2],
    ] as const)
      await t.pump.publishOrder(await t.bought(customer, shard, quantity));
    expect(await t.remaining()).toBe(0);
    expect((await t.take("cus-e", 0, 1)).outcome).toBe("short");
    expect((await t.take("cus-e", 1, 1)).outcome).toBe("short");
    await t.write();
    expect(await t.persistedTickets()).toBe(show.capacity);
  });

  it("re-publishes what the space still holds pending (a take never published) and counts it once", async () => {
    const t = await stage();
    await t.load();
    const written = await t.bought("cus-a", 0, 1);
    await t.pump.publishOrder(written);
    await t.write();
    // The API died between take and publish: only the space's pending set knows this order.
    const unpublished = await t.bought("cus-b", 0, 2);
    // Published but not yet written: the rebuild publishes it again, which the writer takes once.
    const inFlight = await t.bought("cus-c", 1, 4);
    await t.pump.publishOrder(inFlight);

    expect(await t.rebuild()).toEqual({ remaining: 3, orders: 3 });
    expect(await t.remaining()).toBe(3);
    expect(await t.persistedTickets()).toBe(7);
    const states = await t.state.space.readShards(show.id, show.shards);
    expect(states.map((s) => s.status)).toEqual(["on_sale", "on_sale"]);
    expect(states.reduce((n, s) => n + s.pendingOrders, 0)).toBe(0);
    expect((await t.orders.get(unpublished.id))?.quantity).toBe(2);
    // The limit holds across the rebuild: cus-c has 4 of 4.
    expect((await t.take("cus-c", 1, 1, "key-cus-c-0001")).outcome).toBe("limit");
  });
});
