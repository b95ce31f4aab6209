import { describe, expect, it } from "vitest";
import { InMemoryOrderStore, InMemoryProjectionStore, InMemoryTable, type TableFaults } from "../db/in-memory.ts";
import { newOrderId, type OrderRecord, rebuildBarrierId } from "../order/index.ts";
import { newShowId } from "../show/index.ts";
import { type ProjectionDeps, type PumpMessage, projectBatch } from "./index.ts";

// projectBatch on the in-memory table (held to the ElectroDB adapter's contract in db/stores.contract.ts)
// and a space that records what the writer confirmed.

const showId = newShowId();
let seq = 0;
const order = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  id: newOrderId(),
  showId,
  customerId: `cus-${++seq}`,
  quantity: 1,
  createdAt: "2026-12-01T10:00:00.000Z",
  idempotencyKey: `key-${seq}-xxxxxxxx`,
  shard: 0,
  soldAfter: seq,
  priceCents: 0,
  status: "confirmed",
  version: 1,
  ...over,
});
const byIdOf = (records: OrderRecord[]) => [...records].sort((a, b) => a.id.localeCompare(b.id));
const packed = (id: string, ...orders: OrderRecord[]): PumpMessage => ({
  id,
  data: JSON.stringify({ type: "orders.accepted", orders }),
});
const barrier = (id: string, barrierId: string, pumpShardId = "shardId-0", show?: string): PumpMessage => ({
  id,
  data: JSON.stringify({ type: "space.barrier", barrierId, pumpShardId, ...(show ? { showId: show } : {}) }),
});
/** The records as the writer gets them from one pump shard. */
const from = (pumpShardId: string, messages: PumpMessage[]) => messages.map((m) => ({ ...m, pumpShardId }));

function writer(faults: TableFaults = {}) {
  const table = new InMemoryTable();
  const store = new InMemoryProjectionStore(table, faults);
  const confirmed: { showId: string; shard: number; members: string[] }[] = [];
  const space: ProjectionDeps["space"] = {
    async confirmPersisted(showId, shard, orders) {
      confirmed.push({ showId, shard, members: orders.map((o) => `${o.id}#${o.version}`).sort() });
      return orders.length;
    },
  };
  const sleeps: number[] = [];
  const deps: ProjectionDeps = { store, space, sleep: async (ms) => void sleeps.push(ms) };
  return { table, store, orders: new InMemoryOrderStore(table), confirmed, sleeps, deps };
}

describe("projectBatch", () => {
  it("persists every order, raises each shard's projection once, and trims the space's pending set", async () => {
    const w = writer();
    const a = order({ shard: 0, soldAfter: 3, quantity: 3 });
    const b = order({ shard: 1, soldAfter: 2, quantity: 2 });
    const c = order({ shard: 0, soldAfter: 5, quantity: 2 });
    const result = await projectBatch(w.deps, [packed("1", a, b), packed("2", c)]);
    expect(result).toMatchObject({ failures: [], persisted: 3, barriers: 0 });
    // 3 order items, 3 ledger entries (one call each), and one projection per shard.
    expect(result.dynamoCalls).toBe(4);
    expect(await w.orders.projectedSold(showId)).toBe(7);
    expect(w.confirmed.sort((x, y) => x.shard - y.shard)).toEqual([
      { showId, shard: 0, members: [`${a.id}#1`, `${c.id}#1`].sort() },
      { showId, shard: 1, members: [`${b.id}#1`] },
    ]);
    expect(await w.orders.get(c.id)).toEqual(c);
  });

  it("fails a bad record, and only it: the good records beside it are persisted", async () => {
    const w = writer();
    const good = order();
    const alsoGood = order();
    const result = await projectBatch(w.deps, [
      packed("1", good),
      { id: "2", data: "{not json" },
      // One bad order in a packed record fails that record; its good order is still written.
      { id: "3", data: JSON.stringify({ type: "orders.accepted", orders: [alsoGood, { id: "ord_bad" }] }) },
      { id: "4", data: JSON.stringify({ type: "something.else" }) },
    ]);
    expect(result.failures.map((f) => f.id)).toEqual(["2", "3", "4"]);
    expect(result.failures[0]?.reason).toBe("not JSON");
    expect(result.failures[1]?.reason).toMatch(/^not a pump event: orders\.1: id: not an order id; /);
    expect(result.persisted).toBe(2);
    expect((await w.orders.ofShow(showId)).map((o) => o.id).sort()).toEqual([good.id, alsoGood.id].sort());
  });

  it("leaves the same table after a batch delivered once or again, whole or in pieces", async () => {
    const once = writer();
    const twice = writer();
    const v1 = order({ status: "held", holdExpiresAt: "2026-12-01T10:10:00.000Z" });
    const v2 = { ...v1, version: 2, status: "confirmed" as const, paymentRef: "pi_1" };
    const batch = [packed("1", v1, order({ shard: 1 })), packed("2", order(), v2), barrier("3", "bar_1")];
    await projectBatch(once.deps, batch);
    await projectBatch(twice.deps, batch.slice(1));
    await projectBatch(twice.deps, batch);
    await projectBatch(twice.deps, [...batch].reverse());
    expect(twice.table).toEqual(once.table);
    expect(await once.orders.get(v1.id)).toEqual(v2);
  });

  it("retries what the table left unprocessed until it is written", async () => {
    let refusals = 2;
    const slow = order();
    // Its ledger entry is throttled twice: the order is written again whole, and only then counted.
    const w = writer({
      unprocessed: ({ kind, record }) => kind === "ledger" && record.id === slow.id && refusals-- > 0,
    });
    const result = await projectBatch(w.deps, [packed("1", order(), slow), barrier("2", "bar_retry")]);
    expect(result.failures).toEqual([]);
    expect(result.persisted).toBe(2);
    expect(w.sleeps).toEqual([50, 100]);
    expect(await w.orders.get(slow.id)).toEqual(slow);
    expect(await w.orders.barrierShards("bar_retry")).toEqual(["shardId-0"]);
  });

  it("records no barrier while an earlier order of its batch is unpersisted (issue 10, reproduction 2)", async () => {
    const stuck = order({ quantity: 4, soldAfter: 4 });
    const w = writer({ unprocessed: ({ record }) => record.id === stuck.id });
    const fine = order({ shard: 1 });
    const result = await projectBatch({ ...w.deps, maxWriteAttempts: 3 }, [
      packed("1", fine),
      packed("2", stuck),
      barrier("3", "bar_held"),
    ]);
    expect(result.failures).toEqual([
      { id: "2", reason: "unprocessed after retries" },
      { id: "3", reason: "a record before this barrier failed" },
    ]);
    expect(result.barriers).toBe(0);
    expect(await w.orders.barrierShards("bar_held")).toEqual([]);
    // The stuck order is neither counted nor confirmed: it stays pending in the space for the redelivery.
    expect(await w.orders.ofShow(showId)).toEqual([fine]);
    expect(w.confirmed.flatMap((c) => c.members)).toEqual([`${fine.id}#1`]);

    // Redelivered once the table takes it: now the barrier is recorded, after the order.
    w.store.faults = {
      refuse: (call) => {
        if (call === "recordBarriers" && w.table.ledger.get(showId)?.size !== 2)
          return new Error("a barrier before the orders it follows");
        return undefined;
      },
    };
    const again = await projectBatch(w.deps, [packed("2", stuck), barrier("3", "bar_held")]);
    expect(again.failures).toEqual([]);
    expect(again.barriers).toBe(1);
    expect(await w.orders.barrierShards("bar_held")).toEqual(["shardId-0"]);
  });

  it("fails the whole batch when the table refuses a call, so the pump redelivers it", async () => {
    const w = writer({ refuse: (call) => (call === "raiseProjection" ? new Error("throttled") : undefined) });
    await expect(projectBatch(w.deps, [packed("1", order()), barrier("2", "bar_down")])).rejects.toThrow("throttled");
    expect(w.confirmed).toEqual([]);
    expect(await w.orders.barrierShards("bar_down")).toEqual([]);
  });

  it("voids a version of a replaced generation met after its show's barrier on the same pump shard, and only that", async () => {
    const w = writer();
    const before = order({ generation: "preload" });
    const after = order({ generation: "preload" });
    const bar1 = rebuildBarrierId(1, "a");
    const rebuilt = order({ generation: bar1 });
    const first = await projectBatch(
      w.deps,
      from("shardId-0", [packed("1", before), barrier("2", bar1, "shardId-0", showId), packed("3", after)]),
    );
    expect(first.voided).toEqual([after]);
    expect(first.failures).toEqual([]);
    // The fence is kept before the barrier is recorded: a later batch of the pump shard starts from it.
    expect(w.table.fences).toEqual(new Map([[`${showId} shardId-0`, bar1]]));
    const lateTake = order({ generation: "preload" });
    const lateConfirm = { ...before, version: 2, status: "confirmed" as const, generation: "preload" };
    const second = await projectBatch(w.deps, from("shardId-0", [packed("4", lateTake, rebuilt, lateConfirm)]));
    expect(second.voided).toEqual([lateTake, lateConfirm]);
    expect(second.persisted).toBe(1);
    // Another pump shard has met no barrier of the show: its records are all still before it.
    const elsewhere = order({ generation: "preload" });
    expect((await projectBatch(w.deps, from("shardId-1", [packed("5", elsewhere)]))).voided).toEqual([]);
    expect(byIdOf(await w.orders.ofShow(showId))).toEqual(byIdOf([before, rebuilt, elsewhere]));
    expect(w.confirmed.flatMap((c) => c.members).sort()).toEqual(
      [before, rebuilt, elsewhere].map((o) => `${o.id}#1`).sort(),
    );
  });

  it("moves the fence forward only: a stale worker's older barrier met late voids nothing of the newer generation", async () => {
    const w = writer();
    const [older, newer] = [rebuildBarrierId(1, "z"), rebuildBarrierId(2, "a")];
    const second = order({ generation: newer });
    const stale = order({ generation: older });
    const result = await projectBatch(
      w.deps,
      from("shardId-0", [
        barrier("1", newer, "shardId-0", showId),
        barrier("2", older, "shardId-0", showId),
        packed("3", second, stale),
      ]),
    );
    expect(result.voided).toEqual([stale]);
    expect(w.table.fences).toEqual(new Map([[`${showId} shardId-0`, newer]]));
    expect(byIdOf(await w.orders.ofShow(showId))).toEqual(byIdOf([second]));
  });

  it("moves no fence when the barrier is held back by a failed record before it", async () => {
    const w = writer({ unprocessed: ({ record }) => record.quantity === 4 });
    const result = await projectBatch({ ...w.deps, maxWriteAttempts: 1 }, [
      ...from("shardId-0", [
        packed("1", order({ quantity: 4 })),
        barrier("2", rebuildBarrierId(2, "b"), "shardId-0", showId),
      ]),
    ]);
    expect(result.barriers).toBe(0);
    expect(w.table.fences).toEqual(new Map());
  });
});
