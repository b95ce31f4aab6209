// The contracts the table's stores keep, run on the in-memory fakes beside them (stores.test.ts) and
// on the ElectroDB adapters against dynalite (packages/local/test/store-contract.test.ts), so a fake
// cannot drift from DynamoDB. Ids are fresh per test: the real table is shared by every test.
import { expect, it } from "vitest";
import type { RefundOwed, RefundsOwed } from "../checkout/refunds.ts";
import { newOrderId, type OrderRecord } from "../order/index.ts";
import type { ProjectionStore } from "../projection/ports.ts";
import type { OrderStore, ShowStore } from "../sale/ports.ts";
import { newShowId, type Show } from "../show/index.ts";

type Make<T> = () => T | Promise<T>;
/** The writer and the readers of one table: what one writes, the other reads. */
export interface OrderTable {
  orders: OrderStore;
  writer: ProjectionStore;
}

let n = 0;
const fresh = (what: string) => `${what}-${Date.now()}-${++n}`;
const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));

const aShow = (over: Partial<Show> = {}): Show => ({
  id: newShowId(),
  name: "The Hot Show",
  venue: "Arena",
  startsAt: "2027-01-15T20:00:00.000Z",
  capacity: 100,
  priceCents: 2500,
  maxPerCustomer: 4,
  shards: 3,
  holdSeconds: 600,
  status: "draft",
  createdAt: "2026-12-01T10:00:00.000Z",
  ...over,
});

const anOrder = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  id: newOrderId(),
  showId: newShowId(),
  customerId: fresh("cus"),
  quantity: 2,
  createdAt: "2026-12-01T10:00:00.000Z",
  idempotencyKey: fresh("key"),
  shard: 0,
  soldAfter: 2,
  priceCents: 2500,
  status: "confirmed",
  version: 1,
  ...over,
});

/** The next version of an order, as a change of status makes it. */
const next = (o: OrderRecord, over: Partial<OrderRecord>): OrderRecord => ({
  ...o,
  version: o.version + 1,
  updatedAt: `2026-12-01T10:0${o.version}:00.000Z`,
  ...over,
});

export function showStoreContract(make: Make<ShowStore>) {
  it("gets back exactly the show it created, and null for an id it never saw", async () => {
    const shows = await make();
    const show = aShow({ holdSeconds: 120 });
    await shows.create(show);
    expect(await shows.get(show.id)).toEqual(show);
    expect(await shows.get(newShowId())).toBeNull();
  });

  it("refuses a second create of the same id and keeps the first", async () => {
    const shows = await make();
    const show = aShow();
    await shows.create(show);
    await expect(shows.create({ ...show, name: "An impostor", capacity: 1 })).rejects.toThrow();
    expect(await shows.get(show.id)).toEqual(show);
  });

  it("lists every show, drafts included, each as stored", async () => {
    const shows = await make();
    const draft = aShow({ startsAt: "2027-02-01T20:00:00.000Z" });
    const other = aShow({ startsAt: "2027-01-01T20:00:00.000Z", shards: 1 });
    await shows.create(draft);
    await shows.create(other);
    await shows.markOnSale(other.id);
    const mine = (await shows.list()).filter((s) => s.id === draft.id || s.id === other.id);
    expect(byId(mine)).toEqual(byId([draft, { ...other, status: "on_sale" }]));
  });

  it("puts a show on sale, harmlessly twice, changing nothing else; an unknown show is refused and not made", async () => {
    const shows = await make();
    const show = aShow();
    await shows.create(show);
    await shows.markOnSale(show.id);
    await shows.markOnSale(show.id);
    expect(await shows.get(show.id)).toEqual({ ...show, status: "on_sale" });
    const unknown = newShowId();
    await expect(shows.markOnSale(unknown)).rejects.toThrow();
    expect(await shows.get(unknown)).toBeNull();
  });

  it("numbers a show's rebuilds 1, 2, 3… however many ask at once, each show on its own count", async () => {
    const shows = await make();
    const show = aShow();
    const other = aShow();
    await shows.create(show);
    await shows.create(other);
    const numbers = await Promise.all(Array.from({ length: 5 }, () => shows.nextRebuild(show.id)));
    expect(numbers.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await shows.nextRebuild(other.id)).toBe(1);
    expect(await shows.get(show.id)).toEqual(show);
  });

  it("gives a show's first load to one claimant of many, to none once a rebuild began, never for an unknown show", async () => {
    const shows = await make();
    const show = aShow();
    await shows.create(show);
    const claims = await Promise.all(Array.from({ length: 4 }, () => shows.claimFirstLoad(show.id)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await shows.claimFirstLoad(show.id)).toBe(false);
    expect(await shows.get(show.id)).toEqual(show);

    const rebuilt = aShow();
    await shows.create(rebuilt);
    await shows.nextRebuild(rebuilt.id);
    expect(await shows.claimFirstLoad(rebuilt.id)).toBe(false);

    const unknown = newShowId();
    expect(await shows.claimFirstLoad(unknown)).toBe(false);
    expect(await shows.get(unknown)).toBeNull();
  });
}

export function orderStoreContract(make: Make<OrderTable>) {
  it("gets null for an order never written", async () => {
    const { orders } = await make();
    expect(await orders.get(newOrderId())).toBeNull();
  });

  it("reads an order at its first version: held with a deadline, else confirmed", async () => {
    const { orders, writer } = await make();
    const free = anOrder({ priceCents: 0, correlationId: "req-1" });
    const held = anOrder({ status: "held", holdExpiresAt: "2026-12-01T10:10:00.000Z" });
    await writer.putOrders([free, held]);
    expect(await orders.get(free.id)).toEqual(free);
    expect(await orders.get(held.id)).toEqual(held);
  });

  it("reads an order at its highest persisted version, whatever order the versions were written in", async () => {
    const { orders, writer } = await make();
    const v1 = anOrder({ status: "held", holdExpiresAt: "2026-12-01T10:10:00.000Z" });
    const v2 = next(v1, { status: "confirmed", paymentRef: "pi_123" });
    const v3 = next(v2, { status: "refunded", note: "late_payment_refunded" });
    await writer.putOrders([v1]);
    await writer.putOrders([v3]);
    await writer.putOrders([v2]);
    expect(await orders.get(v1.id)).toEqual(v3);
    expect(await orders.ofShow(v1.showId)).toEqual([v3]);
    expect(await orders.byCustomer(v1.customerId, 10)).toEqual([v3]);
  });

  it("lists a customer's orders newest first, at most the limit, each at its current version", async () => {
    const { orders, writer } = await make();
    const customerId = fresh("buyer");
    const at = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, "0")}:00.000Z`;
    const mine = [3, 1, 4, 2].map((m) => anOrder({ customerId, createdAt: at(m), quantity: m }));
    const [third, first, fourth, second] = mine as [OrderRecord, OrderRecord, OrderRecord, OrderRecord];
    const secondCancelled = next(second, { status: "cancelled" });
    await writer.putOrders([...mine, secondCancelled, anOrder({ createdAt: at(5) })]);
    expect(await orders.byCustomer(customerId, 3)).toEqual([fourth, third, secondCancelled]);
    expect(await orders.byCustomer(customerId, 10)).toEqual([fourth, third, secondCancelled, first]);
    expect(await orders.byCustomer(fresh("nobody"), 10)).toEqual([]);
  });

  it("sees every order of the show written before the call, and only the show's", async () => {
    const { orders, writer } = await make();
    const showId = newShowId();
    const written = Array.from({ length: 60 }, (_, i) =>
      anOrder({ showId, shard: i % 3, soldAfter: i + 1, quantity: 1 + (i % 4) }),
    );
    const changed = written.slice(0, 7).map((o) => next(o, { status: "cancelled" }));
    await writer.putOrders(written.slice(0, 30));
    await writer.putOrders([...written.slice(30), ...changed]);
    await writer.putOrders([anOrder()]);
    expect(byId(await orders.ofShow(showId))).toEqual(byId([...changed, ...written.slice(7)]));
    expect(await orders.ofShow(newShowId())).toEqual([]);
  });

  it("projects each shard's highest count (a max-register) and sums the shards", async () => {
    const { orders, writer } = await make();
    const showId = newShowId();
    expect(await orders.projectedSold(showId)).toBe(0);
    await writer.raiseProjection(showId, 0, 5);
    await writer.raiseProjection(showId, 0, 3);
    await writer.raiseProjection(showId, 1, 2);
    await writer.raiseProjection(showId, 1, 2);
    await writer.raiseProjection(newShowId(), 0, 40);
    expect(await orders.projectedSold(showId)).toBe(7);
    await writer.raiseProjection(showId, 0, 9);
    expect(await orders.projectedSold(showId)).toBe(11);
  });

  it("names the pump shards that recorded a barrier, each once", async () => {
    const { orders, writer } = await make();
    const barrierId = fresh("bar");
    expect(await orders.barrierShards(barrierId)).toEqual([]);
    await writer.recordBarriers([
      { barrierId, pumpShardId: "shardId-000000000001" },
      { barrierId, pumpShardId: "shardId-000000000000" },
    ]);
    await writer.recordBarriers([
      { barrierId, pumpShardId: "shardId-000000000001" },
      { barrierId: fresh("bar"), pumpShardId: "shardId-000000000002" },
    ]);
    expect((await orders.barrierShards(barrierId)).sort()).toEqual(["shardId-000000000000", "shardId-000000000001"]);
  });
}

export function projectionStoreContract(make: Make<OrderTable>) {
  it("writes a healthy batch whole: nothing unprocessed, 25 items a call for each kind of item", async () => {
    const { writer, orders } = await make();
    const showId = newShowId();
    const first = Array.from({ length: 30 }, (_, i) => anOrder({ showId, soldAfter: i + 1 }));
    const later = first.slice(0, 5).map((o) => next(o, { status: "expired" }));
    // 30 order items (2 calls), 35 ledger entries (2), 5 status items (1).
    expect(await writer.putOrders([...first, ...later])).toEqual({ unprocessed: [], calls: 5 });
    expect((await orders.ofShow(showId)).length).toBe(30);
    expect(await writer.putOrders([])).toEqual({ unprocessed: [], calls: 0 });
  });

  it("leaves the same orders after a batch delivered once, twice, or split and reversed", async () => {
    const once = await make();
    const again = await make();
    const customerId = fresh("buyer");
    const showId = newShowId();
    const first = Array.from({ length: 8 }, (_, i) =>
      anOrder({
        showId,
        customerId,
        createdAt: `2026-12-01T10:0${i}:00.000Z`,
        status: "held",
        holdExpiresAt: "2026-12-01T11:00:00.000Z",
      }),
    );
    const later = first.slice(0, 3).map((o) => next(o, { status: "confirmed", paymentRef: `pi_${o.id}` }));
    const batch = [...first, ...later];
    await once.writer.putOrders(batch);
    // A second table only for a fake; on DynamoDB both are the one table, which is the point too.
    await again.writer.putOrders(batch.slice(5).reverse());
    await again.writer.putOrders(batch);
    await again.writer.putOrders(batch.slice(0, 5));
    const read = async (t: OrderTable) => ({
      show: byId(await t.orders.ofShow(showId)),
      mine: await t.orders.byCustomer(customerId, 100),
      each: await Promise.all(first.map((o) => t.orders.get(o.id))),
    });
    const expected = [...later, ...first.slice(3)];
    expect(await read(once)).toEqual(await read(again));
    expect((await read(again)).show).toEqual(byId(expected));
  });
}

export function showFencesContract(make: Make<OrderTable>) {
  it("keeps each show's fence per pump shard: the last barrier moved to, none before the first", async () => {
    const { writer } = await make();
    const [a, b, c] = [newShowId(), newShowId(), newShowId()];
    const pump = fresh("shardId");
    const other = fresh("shardId");
    expect(await writer.readFences(pump, [a, b])).toEqual(new Map());
    await writer.moveFences(pump, [
      { showId: a, barrierId: "bar_a1" },
      { showId: b, barrierId: "bar_b1" },
    ]);
    await writer.moveFences(other, [{ showId: a, barrierId: "bar_a9" }]);
    await writer.moveFences(pump, [{ showId: a, barrierId: "bar_a2" }]);
    await writer.moveFences(pump, []);
    expect(await writer.readFences(pump, [a, b, c])).toEqual(
      new Map([
        [a, "bar_a2"],
        [b, "bar_b1"],
      ]),
    );
    expect(await writer.readFences(other, [a, b])).toEqual(new Map([[a, "bar_a9"]]));
    expect(await writer.readFences(pump, [])).toEqual(new Map());
  });
}

export function refundsOwedContract(make: Make<RefundsOwed>) {
  const owed = (over: Partial<RefundOwed> = {}): RefundOwed => {
    const orderId = newOrderId();
    return {
      orderId,
      paymentRef: `pi_${orderId}`,
      showId: newShowId(),
      record: JSON.stringify({ id: orderId }),
      owedAt: "2026-12-01T10:00:00.000Z",
      attempts: 0,
      ...over,
    };
  };
  const mine = async (store: RefundsOwed, ids: string[]) =>
    (await store.all()).filter((r) => ids.includes(r.orderId)).sort((a, b) => a.orderId.localeCompare(b.orderId));

  it("keeps an owed refund with its failed attempts until it is settled", async () => {
    const store = await make();
    const a = owed();
    const b = owed();
    await store.owe(a);
    await store.owe(b);
    expect(await mine(store, [a.orderId, b.orderId])).toEqual(
      [a, b].sort((x, y) => x.orderId.localeCompare(y.orderId)),
    );
    await store.failed(a.orderId, 1, "provider down");
    await store.failed(a.orderId, 2, "timed out");
    expect(await mine(store, [a.orderId])).toEqual([{ ...a, attempts: 2, lastError: "timed out" }]);
    await store.settle(a.orderId);
    expect(await mine(store, [a.orderId, b.orderId])).toEqual([b]);
  });

  it("does not bring back a settled refund with a late failure, and owing again starts afresh", async () => {
    const store = await make();
    const a = owed();
    await store.owe(a);
    await store.settle(a.orderId);
    await store.failed(a.orderId, 3, "late");
    expect(await mine(store, [a.orderId])).toEqual([]);
    await store.owe({ ...a, attempts: 5, lastError: "old" });
    await store.owe(a);
    expect(await mine(store, [a.orderId])).toEqual([a]);
    await store.settle(a.orderId);
    await store.settle(a.orderId);
    expect(await mine(store, [a.orderId])).toEqual([]);
  });
}
