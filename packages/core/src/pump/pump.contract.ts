// The contract every OrderPump keeps, run on InMemoryPump here (in-memory.test.ts) and on PumpPublisher against
// kinesalite in packages/local/test/pump-contract.test.ts, so the fake cannot drift from the stream.
import { expect, it } from "vitest";
import { newOrderId, OrderRecord, type PumpEvent } from "../order/index.ts";
import { newShowId } from "../show/index.ts";
import type { PumpRecord } from "./in-memory.ts";
import type { OrderPump } from "./port.ts";

export interface PumpHarness {
  pump: OrderPump;
  /** Every record of each open shard so far, oldest first, parsed as the writer parses them. */
  read(): Promise<Map<string, PumpRecord[]>>;
  /** A pump on the same stream whose next publish the stream refuses. */
  refusing(): OrderPump;
}

let n = 0;
const anOrder = () =>
  OrderRecord.parse({
    id: newOrderId(),
    showId: newShowId(),
    customerId: `cus_${++n}`,
    quantity: 1 + (n % 4),
    createdAt: new Date().toISOString(),
    idempotencyKey: `pump-key-${n}-0001`,
    shard: 0,
    soldAfter: n,
    priceCents: 0,
    status: "confirmed",
    version: 1,
  });

const ordersOf = (e: PumpEvent) =>
  e.type === "orders.accepted" ? e.orders : e.type === "order.accepted" ? [e.order] : [];

export function pumpContract(make: () => PumpHarness | Promise<PumpHarness>) {
  it("holds an order once publishOrder resolves true, exactly as published, keyed by its id", async () => {
    const h = await make();
    const orders = [anOrder(), anOrder(), anOrder()];
    for (const o of orders) expect(await h.pump.publishOrder(o)).toBe(true);
    const records = [...(await h.read()).values()].flat();
    // Published one at a time, each is a record of its own.
    const first = (e: PumpEvent) => ordersOf(e)[0]?.id ?? "";
    const events = records.map((r) => r.event).sort((a, b) => first(a).localeCompare(first(b)));
    const published = orders.map((o): PumpEvent => ({ type: "orders.accepted", orders: [o] }));
    expect(events).toEqual(published.sort((a, b) => first(a).localeCompare(first(b))));
    for (const r of records) expect(r.partitionKey).toBe(ordersOf(r.event)[0]?.id);
  });

  it("keeps orders published together, each once, and every shard's in the order published", async () => {
    const h = await make();
    const orders = Array.from({ length: 20 }, anOrder);
    expect(await Promise.all(orders.map((o) => h.pump.publishOrder(o)))).toEqual(orders.map(() => true));
    const shards = await h.read();
    const read = [...shards.values()].flatMap((rs) => rs.flatMap((r) => ordersOf(r.event)));
    expect([...read].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...orders].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const rank = new Map(orders.map((o, i) => [o.id, i]));
    for (const rs of shards.values()) {
      const ranks = rs.flatMap((r) => ordersOf(r.event)).map((o) => rank.get(o.id) ?? -1);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
  });

  it("lands a barrier once on every open shard, after what each shard held before it", async () => {
    const h = await make();
    const before = Array.from({ length: 6 }, anOrder);
    for (const o of before) expect(await h.pump.publishOrder(o)).toBe(true);
    const shardIds = await h.pump.sendBarrier("barrier-1");
    const shards = await h.read();
    expect([...shardIds].sort()).toEqual([...shards.keys()].sort());
    expect(shardIds.length).toBeGreaterThan(1);
    for (const [id, rs] of shards) {
      const barriers = rs.filter((r) => r.event.type === "space.barrier");
      expect(barriers.map((r) => r.event)).toEqual([
        { type: "space.barrier", barrierId: "barrier-1", pumpShardId: id },
      ]);
      expect(rs.at(-1)?.event.type).toBe("space.barrier");
    }
    const after = anOrder();
    expect(await h.pump.publishOrder(after)).toBe(true);
    // A rebuild's barrier names its show: the writer keeps the show's fence by it.
    const showId = newShowId();
    await h.pump.sendBarrier("barrier-2", showId);
    for (const [id, rs] of await h.read())
      expect(rs.filter((r) => r.event.type === "space.barrier").at(-1)?.event).toEqual({
        type: "space.barrier",
        barrierId: "barrier-2",
        pumpShardId: id,
        showId,
      });
    for (const rs of (await h.read()).values()) {
      const at = (id: string) => rs.findIndex((r) => r.event.type === "space.barrier" && r.event.barrierId === id);
      const mine = rs.findIndex((r) => ordersOf(r.event).some((o) => o.id === after.id));
      expect(at("barrier-1")).toBeLessThan(at("barrier-2"));
      if (mine >= 0) expect([at("barrier-1") < mine, mine < at("barrier-2")]).toEqual([true, true]);
    }
    expect([...(await h.read()).values()].flat().filter((r) => ordersOf(r.event).length > 0).length).toBe(7);
  });

  it("resolves false, and leaves nothing on the stream, when the stream refuses a publish", async () => {
    const h = await make();
    const refused = anOrder();
    expect(await h.refusing().publishOrder(refused)).toBe(false);
    const kept = anOrder();
    expect(await h.pump.publishOrder(kept)).toBe(true);
    await h.pump.drain();
    const ids = [...(await h.read()).values()].flat().flatMap((r) => ordersOf(r.event).map((o) => o.id));
    expect(ids).toEqual([kept.id]);
    expect(h.pump.settledWithinMs).toBeGreaterThanOrEqual(0);
  });
}
