// The contract every Space keeps, run on InMemorySpace here (in-memory.test.ts) and on InventorySpace against a real
// redis-server and a Redis Cluster in packages/local/test/space-contract.test.ts, so the fake cannot drift from the
// Lua. One file over ~300 lines on purpose: every case is read beside the helpers it shares.
import { describe, expect, it } from "vitest";
import { HotSeatError } from "../error/index.ts";
import { newOrderId, type OrderRecord } from "../order/index.ts";
import { newShowId } from "../show/index.ts";
import { TIMELINE_BUCKET_MS } from "./keys.ts";
import type { ShardState, Space } from "./port.ts";
import { fingerprintOf } from "./records.ts";

export interface SpaceHarness {
  space: Space;
  /** Another process on the same space: the same data, its own view of what it saw. */
  peer(): Space;
  /** Lets `ms` pass on the space's clock (a fake moves its clock; a real space is waited for). */
  pass(ms: number): Promise<void>;
  /** Copies a shard now; the returned call puts the copy back, as a failover to a replica that missed what came since. */
  copyShard(showId: string, shard: number): Promise<() => Promise<void>>;
  /** Sets a shard's status field, which nothing in the domain sets to anything but on_sale and frozen. */
  setShardStatus(showId: string, shard: number, status: string): Promise<void>;
}

/** Long enough that a loaded machine never sees it lapse mid-test; short enough to wait out. */
const HOLD_MS = 600;
const LONG = 60_000;
let n = 0;
const key = (what: string) => `${what}-key-${Date.now()}-${++n}`;

interface Take {
  customer: string;
  quantity: number;
  idempotencyKey?: string;
  fingerprint?: string;
  shard?: number;
  holdMs?: number;
}

function taker(space: Space, showId: string) {
  return (t: Take) => {
    const holdMs = t.holdMs ?? 0;
    const order: Omit<OrderRecord, "soldAfter"> = {
      id: newOrderId(),
      showId,
      customerId: t.customer,
      quantity: t.quantity,
      createdAt: "2000-01-01T00:00:00.000Z",
      idempotencyKey: t.idempotencyKey ?? key(t.customer),
      shard: t.shard ?? 0,
      priceCents: holdMs > 0 ? 2500 : 0,
      status: holdMs > 0 ? "held" : "confirmed",
      version: 1,
    };
    return space.takeTickets({
      showId,
      shard: t.shard ?? 0,
      customerId: t.customer,
      idempotencyKey: order.idempotencyKey,
      fingerprint: t.fingerprint ?? fingerprintOf(t.quantity),
      order,
      holdMs,
    });
  };
}

async function loaded(space: Space, stocks: number[], max = 4) {
  const showId = newShowId();
  for (const [shard, stock] of stocks.entries()) expect(await space.loadShard(showId, shard, stock, max)).toBe(true);
  return { showId, take: taker(space, showId) };
}

const okRecord = (r: Awaited<ReturnType<Space["takeTickets"]>>) => {
  if (r.outcome !== "ok") throw new Error(`expected ok, got ${r.outcome}`);
  return r.record;
};

/** A shard's counters, without the clock and the times. */
const counters = (s: ShardState | undefined) => {
  if (!s) throw new Error("no shard");
  const { spaceNow: _, oldestPendingAt: __, nextHoldDeadline: ___, ...rest } = s;
  return rest;
};

const shard0 = (over: Partial<ShardState>) => ({
  shard: 0,
  exists: true,
  status: "on_sale",
  stock: 0,
  inTransit: 0,
  sold: 0,
  held: 0,
  expired: 0,
  cancelled: 0,
  refunded: 0,
  releasing: 0,
  pendingTickets: 0,
  pendingOrders: 0,
  ...over,
});

export function spaceContract(make: () => SpaceHarness | Promise<SpaceHarness>) {
  describe("takes", () => {
    it("takes tickets, stamping the order by the space's clock", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 3 }));
      const b = okRecord(await take({ customer: "cus_b", quantity: 2 }));
      expect([a.soldAfter, b.soldAfter]).toEqual([3, 5]);
      expect([a.status, a.version, a.quantity, a.customerId, a.showId]).toEqual(["confirmed", 1, 3, "cus_a", showId]);
      expect(a.holdExpiresAt).toBeUndefined();
      const [state] = await space.readShards(showId, 1);
      expect(counters(state)).toEqual(shard0({ stock: 5, sold: 5, pendingTickets: 5, pendingOrders: 2 }));
      expect(Math.abs(Date.parse(b.createdAt) - (state?.spaceNow ?? 0))).toBeLessThan(5_000);
      expect(state?.oldestPendingAt).toBe(Date.parse(a.createdAt));
    });

    it("answers a retry with the original order (replay), and a different purchase on the key as reused", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 2, idempotencyKey: "replay-key-1" }));
      const again = await take({ customer: "cus_a", quantity: 2, idempotencyKey: "replay-key-1" });
      expect(again).toEqual({ outcome: "replay", record: a, pending: true, expired: [] });
      expect(await space.confirmPersisted(showId, 0, [a])).toBe(1);
      const persisted = await take({ customer: "cus_a", quantity: 2, idempotencyKey: "replay-key-1" });
      expect(persisted).toEqual({ outcome: "replay", record: a, pending: false, expired: [] });
      expect(await take({ customer: "cus_a", quantity: 3, idempotencyKey: "replay-key-1" })).toEqual({
        outcome: "reused",
        expired: [],
      });
      // The key is the customer's own: another customer's same key is another purchase.
      expect((await take({ customer: "cus_b", quantity: 2, idempotencyKey: "replay-key-1" })).outcome).toBe("ok");
      expect((await space.readShards(showId, 1))[0]?.stock).toBe(6);
    });

    it("keeps each customer within the show's limit", async () => {
      const { space } = await make();
      const { take } = await loaded(space, [20], 4);
      okRecord(await take({ customer: "cus_a", quantity: 3 }));
      expect(await take({ customer: "cus_a", quantity: 2 })).toEqual({ outcome: "limit", allowed: 1, expired: [] });
      okRecord(await take({ customer: "cus_a", quantity: 1 }));
      expect(await take({ customer: "cus_a", quantity: 1 })).toEqual({ outcome: "limit", allowed: 0, expired: [] });
      expect(await take({ customer: "cus_a", quantity: 5 })).toEqual({ outcome: "limit", allowed: 0, expired: [] });
    });

    it("refuses more than the shard holds, saying what it holds", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [5]);
      okRecord(await take({ customer: "cus_a", quantity: 4 }));
      expect(await take({ customer: "cus_b", quantity: 2 })).toEqual({ outcome: "short", stock: 1, expired: [] });
      okRecord(await take({ customer: "cus_b", quantity: 1 }));
      expect(await take({ customer: "cus_c", quantity: 1 })).toEqual({ outcome: "short", stock: 0, expired: [] });
      expect(counters((await space.readShards(showId, 1))[0])).toEqual(
        shard0({ stock: 0, sold: 5, pendingTickets: 5, pendingOrders: 2 }),
      );
    });

    it("answers missing for a shard never loaded, not_on_sale for one neither on sale nor frozen", async () => {
      const h = await make();
      const absent = taker(h.space, newShowId());
      expect(await absent({ customer: "cus_a", quantity: 1 })).toEqual({ outcome: "missing", expired: [] });
      const { showId, take } = await loaded(h.space, [5]);
      await h.setShardStatus(showId, 0, "closed");
      expect(await take({ customer: "cus_a", quantity: 1 })).toEqual({ outcome: "not_on_sale", expired: [] });
      expect(await h.space.reclaimHolds(showId, 0)).toEqual([]);
    });

    it("refunds after the sale without putting the tickets back on sale", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [5]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 2 }));
      await h.setShardStatus(showId, 0, "closed");
      expect((await h.space.changeOrder(showId, 0, a.id, "refund")).outcome).toBe("changed");
      expect(counters((await h.space.readShards(showId, 1))[0])).toEqual(
        shard0({ status: "closed", stock: 3, sold: 2, refunded: 2, pendingTickets: 2, pendingOrders: 1 }),
      );
    });

    it("loads a shard once: a second preload never resets a sale", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [5]);
      okRecord(await take({ customer: "cus_a", quantity: 2 }));
      expect(await space.loadShard(showId, 0, 5, 4)).toBe(false);
      expect((await space.readShards(showId, 1))[0]?.stock).toBe(3);
      expect(counters((await space.readShards(newShowId(), 1))[0])).toEqual(shard0({ exists: false, status: null }));
    });
  });

  describe("holds", () => {
    it("holds tickets until the deadline, then returns them to sale on reclaim", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [6], 4);
      const a = okRecord(await take({ customer: "cus_a", quantity: 4, holdMs: HOLD_MS }));
      expect(a.status).toBe("held");
      expect(Date.parse(a.holdExpiresAt ?? "")).toBe(Date.parse(a.createdAt) + HOLD_MS);
      let [state] = await h.space.readShards(showId, 1);
      expect(counters(state)).toEqual(shard0({ stock: 2, sold: 4, held: 4, pendingTickets: 4, pendingOrders: 1 }));
      expect(state?.nextHoldDeadline).toBe(Date.parse(a.holdExpiresAt ?? ""));
      expect(await h.space.reclaimHolds(showId, 0)).toEqual([]);
      await h.pass(HOLD_MS + 100);
      const [lapsed, ...more] = await h.space.reclaimHolds(showId, 0);
      expect(more).toEqual([]);
      expect(lapsed).toMatchObject({ id: a.id, status: "expired", version: 2, quantity: 4 });
      expect(await h.space.reclaimHolds(showId, 0)).toEqual([]);
      [state] = await h.space.readShards(showId, 1);
      // The new version replaces the old in the pending set: the writer is owed the expiry. Its tickets are releasing,
      // not for sale, until the expiry is in the pump.
      expect(counters(state)).toEqual(
        shard0({ stock: 2, sold: 4, expired: 4, releasing: 4, pendingTickets: 4, pendingOrders: 1 }),
      );
      expect(state?.nextHoldDeadline).toBeNull();
      expect((await take({ customer: "cus_b", quantity: 3 })).outcome).toBe("short");
      // Its publish succeeded: on sale, once.
      expect(await h.space.creditReleased(showId, 0, [a.id])).toBe(4);
      expect(await h.space.creditReleased(showId, 0, [a.id])).toBe(0);
      [state] = await h.space.readShards(showId, 1);
      expect(counters(state)).toEqual(shard0({ stock: 6, sold: 4, expired: 4, pendingTickets: 4, pendingOrders: 1 }));
      // The customer's limit is free again.
      okRecord(await take({ customer: "cus_a", quantity: 4 }));
    });

    it("returns lapsed holds with the take that found them", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [4], 4);
      const a = okRecord(await take({ customer: "cus_a", quantity: 3, holdMs: HOLD_MS }));
      await h.pass(HOLD_MS + 100);
      // The take expires the lapsed hold it finds, but cannot sell its tickets before the expiry is in the pump.
      const b = await take({ customer: "cus_b", quantity: 4 });
      expect(b).toMatchObject({ outcome: "short", stock: 1 });
      expect(b.expired.map((o) => [o.id, o.status, o.version])).toEqual([[a.id, "expired", 2]]);
      expect(await h.space.creditReleased(showId, 0, [a.id])).toBe(3);
      okRecord(await take({ customer: "cus_b", quantity: 4 }));
      const short = await take({ customer: "cus_c", quantity: 1 });
      expect(short).toEqual({ outcome: "short", stock: 0, expired: [] });
      expect(counters((await h.space.readShards(showId, 1))[0])).toEqual(
        shard0({ stock: 0, sold: 7, expired: 3, pendingTickets: 7, pendingOrders: 2 }),
      );
    });
  });

  describe("changes of an order", () => {
    it("confirms a hold once, with the payment", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 2, holdMs: LONG }));
      const c = await space.changeOrder(showId, 0, a.id, "confirm", { paymentRef: "pi_1" });
      expect(c.outcome).toBe("changed");
      expect(c.record).toMatchObject({ id: a.id, status: "confirmed", version: 2, paymentRef: "pi_1" });
      expect(await space.changeOrder(showId, 0, a.id, "confirm")).toEqual({ outcome: "already", record: c.record });
      expect(await space.changeOrder(showId, 0, a.id, "cancel")).toEqual({ outcome: "confirmed", record: c.record });
      const [state] = await space.readShards(showId, 1);
      expect(counters(state)).toEqual(shard0({ stock: 8, sold: 2, pendingTickets: 2, pendingOrders: 1 }));
      expect(state?.nextHoldDeadline).toBeNull();
    });

    it("cancels a hold and refunds a confirmed order, each once, giving the tickets back", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10], 4);
      const held = okRecord(await take({ customer: "cus_a", quantity: 3, holdMs: LONG }));
      const paid = okRecord(await take({ customer: "cus_b", quantity: 4 }));
      const cancelled = await space.changeOrder(showId, 0, held.id, "cancel");
      expect(cancelled.outcome).toBe("changed");
      expect(cancelled.record).toMatchObject({ status: "cancelled", version: 2 });
      expect((await space.changeOrder(showId, 0, held.id, "cancel")).outcome).toBe("already");
      expect((await space.changeOrder(showId, 0, held.id, "confirm")).outcome).toBe("cancelled");
      expect((await space.changeOrder(showId, 0, held.id, "refund")).outcome).toBe("cancelled");
      const refunded = await space.changeOrder(showId, 0, paid.id, "refund");
      expect(refunded.outcome).toBe("changed");
      expect(refunded.record).toMatchObject({ status: "refunded", version: 2 });
      expect((await space.changeOrder(showId, 0, paid.id, "refund")).outcome).toBe("already");
      expect(counters((await space.readShards(showId, 1))[0])).toEqual(
        shard0({ stock: 3, sold: 7, cancelled: 3, refunded: 4, releasing: 7, pendingTickets: 7, pendingOrders: 2 }),
      );
      // The writer persisted both changes (no publisher credited them): their tickets go on sale, once.
      expect(
        await space.confirmPersisted(
          showId,
          0,
          [cancelled.record, refunded.record].map((r) => r as OrderRecord),
        ),
      ).toBe(2);
      expect(await space.creditReleased(showId, 0, [held.id, paid.id])).toBe(0);
      expect(counters((await space.readShards(showId, 1))[0])).toEqual(
        shard0({ stock: 10, sold: 7, cancelled: 3, refunded: 4 }),
      );
      okRecord(await take({ customer: "cus_b", quantity: 4 }));
    });

    it("expires a lapsed hold before late money confirms it; notes an order once; misses unknown orders", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 2, holdMs: HOLD_MS }));
      await h.pass(HOLD_MS + 100);
      const late = await h.space.changeOrder(showId, 0, a.id, "confirm", { paymentRef: "pi_late" });
      expect(late.outcome).toBe("expired");
      expect(late.record).toMatchObject({ status: "expired", version: 2 });
      expect(late.record?.paymentRef).toBeUndefined();
      const noted = await h.space.changeOrder(showId, 0, a.id, "note", { note: "late_payment_refunded" });
      expect(noted.outcome).toBe("changed");
      expect(noted.record).toMatchObject({ status: "expired", version: 3, note: "late_payment_refunded" });
      expect((await h.space.changeOrder(showId, 0, a.id, "note", { note: "late_payment_refunded" })).outcome).toBe(
        "already",
      );
      expect(counters((await h.space.readShards(showId, 1))[0])).toEqual(
        shard0({ stock: 8, sold: 2, expired: 2, releasing: 2, pendingTickets: 2, pendingOrders: 1 }),
      );
      // The note replaced the expiry in the pending set: the writer persisting the note puts the tickets on sale.
      expect(await h.space.confirmPersisted(showId, 0, [noted.record as OrderRecord])).toBe(1);
      expect(counters((await h.space.readShards(showId, 1))[0])).toEqual(shard0({ stock: 10, sold: 2, expired: 2 }));
      expect(await h.space.changeOrder(showId, 0, newOrderId(), "confirm")).toEqual({
        outcome: "missing",
        record: null,
      });
      await h.space.freezeShard(showId, 0);
      expect(await h.space.changeOrder(showId, 0, a.id, "note", { note: "x" })).toEqual({
        outcome: "rehydrating",
        record: null,
      });
    });
  });

  describe("the pending set", () => {
    it("keeps each order's current version until the writer confirms it", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 2, holdMs: LONG }));
      const b = okRecord(await take({ customer: "cus_b", quantity: 3 }));
      const later = Date.parse(b.createdAt) + 1000;
      expect((await space.pendingOrders(showId, 0, later)).map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
      expect(await space.pendingOrders(showId, 0, Date.parse(a.createdAt) - 1)).toEqual([]);
      const confirmed = (await space.changeOrder(showId, 0, a.id, "confirm")).record as OrderRecord;
      // The writer confirms the older version: the newer stays pending.
      expect(await space.confirmPersisted(showId, 0, [a])).toBe(0);
      expect(await space.confirmPersisted(showId, 0, [b])).toBe(1);
      expect(await space.confirmPersisted(showId, 0, [b])).toBe(0);
      expect(await space.pendingOrders(showId, 0, later + 1000)).toEqual([confirmed]);
      expect(counters((await space.readShards(showId, 1))[0])).toEqual(
        shard0({ stock: 5, sold: 5, pendingTickets: 2, pendingOrders: 1 }),
      );
      expect(await space.findOrder(a.id, { showId, shard: 0 })).toEqual({ record: confirmed, pending: true });
      expect(await space.confirmPersisted(showId, 0, [confirmed])).toBe(1);
      expect(await space.findOrder(a.id, { showId, shard: 0 })).toEqual({ record: confirmed, pending: false });
      expect(counters((await space.readShards(showId, 1))[0])).toEqual(shard0({ stock: 5, sold: 5 }));
    });

    it("pages the pending set by a cursor and counts what lies past it", async () => {
      const h = await make();
      const { space } = h;
      const { showId, take } = await loaded(space, [10]);
      const taken = [];
      for (const c of ["cus_a", "cus_b", "cus_c", "cus_d"]) {
        taken.push(okRecord(await take({ customer: c, quantity: 1 })));
        if (c !== "cus_b") await h.pass(3); // two takes tie on one ms (the cursor's skip), the others do not
      }
      // The set's order: by when each version was made, then by member (takes in one ms tie).
      const at = (o: OrderRecord) => Date.parse(o.createdAt);
      const orders = [...taken].sort((a, b) => at(a) - at(b) || (a.id < b.id ? -1 : 1));
      const before = Math.max(...orders.map(at)) + 1000;
      const start = { score: Number.NEGATIVE_INFINITY, skip: 0 };
      const first = await space.pendingPage(showId, 0, start, before, 2);
      expect(first.entries.map((e) => e.member)).toEqual(orders.slice(0, 2).map((o) => `${o.id}#1`));
      expect(first.entries.map((e) => e.at)).toEqual(orders.slice(0, 2).map(at));
      expect(first.orders).toEqual(orders.slice(0, 2));
      const last = first.entries.at(-1)?.at ?? 0;
      const skip = first.entries.filter((e) => e.at === last).length;
      const rest = await space.pendingPage(showId, 0, { score: last, skip }, before, 2);
      expect(rest.orders).toEqual(orders.slice(2));
      expect(await space.pendingPage(showId, 0, { score: at(orders[3] as OrderRecord), skip: 1 }, before, 2)).toEqual({
        entries: [],
        orders: [],
      });
      expect(await space.countPending(showId, 0, start, before)).toBe(4);
      expect(await space.countPending(showId, 0, { score: last, skip }, before)).toBe(2);
      expect(await space.countPending(showId, 0, start, at(orders[0] as OrderRecord))).toBe(1);
    });
  });

  describe("stock between shards", () => {
    it("moves stock without creating or losing a ticket", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [5, 5]);
      expect(await space.moveStock(showId, 0, 1, 3)).toBe(3);
      expect(await space.moveStock(showId, 0, 1, 10)).toBe(2);
      expect(await space.moveStock(showId, 0, 1, 1)).toBe(0);
      const states = await space.readShards(showId, 2);
      expect(states.map((s) => [s.stock, s.inTransit])).toEqual([
        [0, 0],
        [10, 0],
      ]);
      okRecord(await take({ customer: "cus_a", quantity: 4, shard: 1 }));
      expect((await space.readShards(showId, 2)).map((s) => s.stock)).toEqual([0, 6]);
    });

    it("credits a loan once, whoever delivers it; the sweeper settles one a crashed buyer left", async () => {
      const { space } = await make();
      const { showId } = await loaded(space, [5, 5]);
      const loan = await space.lendStock(showId, 0, 1, 2);
      expect([loan.lent, loan.generation]).toEqual([2, "preload"]);
      expect((await space.readShards(showId, 2)).map((s) => [s.stock, s.inTransit])).toEqual([
        [3, 2],
        [5, 0],
      ]);
      expect(await space.creditStock(showId, 1, loan)).toBe(1);
      expect(await space.creditStock(showId, 1, loan)).toBe(0);
      // The loan is still recorded on the donor (the buyer died before clearing it): the sweeper clears it.
      expect(await space.settleLoans(showId, 0, 0)).toBe(0);
      const orphan = await space.lendStock(showId, 0, 1, 1);
      expect(await space.settleLoans(showId, 0, LONG)).toBe(0);
      expect(await space.settleLoans(showId, 0, 0)).toBe(orphan.lent);
      expect((await space.readShards(showId, 2)).map((s) => [s.stock, s.inTransit])).toEqual([
        [2, 0],
        [8, 0],
      ]);
      expect(await space.creditStock(showId, 1, { ...orphan, generation: "another" })).toBe(-1);
      expect(await space.creditStock(newShowId(), 1, orphan)).toBe(-1);
      expect((await space.lendStock(showId, 0, 1, 0)).lent).toBe(0);
    });
  });

  describe("losing and rebuilding a shard", () => {
    it("names the shard's generation on every version it makes: preload, then the rebuild's", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [5]);
      const held = okRecord(await take({ customer: "cus_a", quantity: 1, holdMs: LONG }));
      expect(held.generation).toBe("preload");
      await space.freezeShard(showId, 0);
      await space.rebuildShard(showId, 0, {
        stock: 4,
        sold: 1,
        held: 1,
        expired: 0,
        cancelled: 0,
        refunded: 0,
        max: 4,
        customers: new Map([["cus_a", 1]]),
        orders: [held],
        generation: "bar_gen-2",
      });
      await space.markOnSale(showId);
      const cancelled = await space.changeOrder(showId, 0, held.id, "cancel");
      expect(cancelled.record).toMatchObject({ status: "cancelled", version: 2, generation: "bar_gen-2" });
      expect(okRecord(await take({ customer: "cus_b", quantity: 1 })).generation).toBe("bar_gen-2");
    });

    it("freezes a shard: takes answer rehydrating, replays still answer", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [5]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 1, idempotencyKey: "frozen-key-1" }));
      expect(await space.freezeShard(showId, 0)).toBe(true);
      expect(await space.freezeShard(newShowId(), 0)).toBe(false);
      expect(await take({ customer: "cus_b", quantity: 1 })).toEqual({ outcome: "rehydrating", expired: [] });
      expect((await take({ customer: "cus_a", quantity: 1, idempotencyKey: "frozen-key-1" })).outcome).toBe("replay");
      expect((await space.readShards(showId, 1))[0]?.status).toBe("frozen");
      expect(await space.reclaimHolds(showId, 0)).toEqual([]);
      expect((await space.lendStock(showId, 0, 1, 1)).lent).toBe(0);
      expect(a.soldAfter).toBe(1);
    });

    it("rebuilds a shard whole: counters, customers, orders, holds and keys; loans from before are void", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10, 10], 4);
      const stale = await space.lendStock(showId, 0, 1, 1);
      const held = okRecord(await take({ customer: "cus_a", quantity: 2, holdMs: LONG }));
      const paid = okRecord(await take({ customer: "cus_b", quantity: 3 }));
      await space.freezeShard(showId, 0);
      await space.rebuildShard(showId, 0, {
        stock: 5,
        sold: 5,
        held: 2,
        expired: 0,
        cancelled: 0,
        refunded: 0,
        max: 4,
        customers: new Map([
          ["cus_a", 2],
          ["cus_b", 3],
        ]),
        orders: [held, paid],
        generation: "rebuild-1",
      });
      await space.rebuildShard(showId, 1, {
        stock: 10,
        sold: 0,
        held: 0,
        expired: 0,
        cancelled: 0,
        refunded: 0,
        max: 4,
        customers: new Map(),
        orders: [],
        generation: "rebuild-1",
      });
      const [state] = await space.readShards(showId, 1);
      expect(counters(state)).toEqual(shard0({ stock: 5, sold: 5, held: 2 }));
      expect(state?.nextHoldDeadline).toBe(Date.parse(held.holdExpiresAt ?? ""));
      expect(await take({ customer: "cus_b", quantity: 2 })).toEqual({ outcome: "limit", allowed: 1, expired: [] });
      expect(await take({ customer: "cus_b", quantity: 3, idempotencyKey: paid.idempotencyKey })).toEqual({
        outcome: "replay",
        record: paid,
        pending: false,
        expired: [],
      });
      expect(await space.findOrder(held.id, { showId, shard: 0 })).toEqual({ record: held, pending: false });
      expect((await space.changeOrder(showId, 0, held.id, "confirm")).outcome).toBe("changed");
      const next = okRecord(await take({ customer: "cus_c", quantity: 1 }));
      expect(next.soldAfter).toBe(6);
      expect(await space.creditStock(showId, 1, stale)).toBe(-1);
      const loan = await space.lendStock(showId, 0, 1, 1);
      expect(loan.generation).toBe("rebuild-1");
      expect(await space.creditStock(showId, 1, loan)).toBe(1);
    });

    it("notices a shard gone back in time: the process that saw the lost take freezes it", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [10]);
      okRecord(await take({ customer: "cus_a", quantity: 1 }));
      const restore = await h.copyShard(showId, 0);
      okRecord(await take({ customer: "cus_b", quantity: 1 }));
      await restore();
      expect(await take({ customer: "cus_c", quantity: 1 })).toEqual({ outcome: "regressed", expired: [] });
      expect((await h.space.readShards(showId, 1))[0]?.status).toBe("frozen");
      // Every process is told, not only the one that noticed.
      const peer = taker(h.peer(), showId);
      expect(await peer({ customer: "cus_d", quantity: 1 })).toEqual({ outcome: "rehydrating", expired: [] });
    });

    it("notices a lost take when the writer confirms a version the shard does not hold", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [10]);
      const restore = await h.copyShard(showId, 0);
      const lost = okRecord(await taker(h.peer(), showId)({ customer: "cus_a", quantity: 2 }));
      await restore();
      expect(await h.space.confirmPersisted(showId, 0, [lost])).toBe(0);
      expect((await h.space.readShards(showId, 1))[0]?.status).toBe("frozen");
      expect(await take({ customer: "cus_b", quantity: 1 })).toEqual({ outcome: "rehydrating", expired: [] });
    });
  });

  describe("the rebuild's lock", () => {
    it("has one holder at a time, who may renew and release it", async () => {
      const { space } = await make();
      const showId = newShowId();
      const token = await space.acquireRehydrationLock(showId, LONG);
      expect(token).toEqual(expect.any(String));
      expect(await space.acquireRehydrationLock(showId, LONG)).toBeNull();
      expect(await space.isRehydrating(showId)).toBe(true);
      expect(await space.holdsRehydrationLock(showId, token ?? "")).toBe(true);
      expect(await space.holdsRehydrationLock(showId, "another")).toBe(false);
      expect(await space.extendRehydrationLock(showId, token ?? "", LONG)).toBe(true);
      expect(await space.extendRehydrationLock(showId, "another", LONG)).toBe(false);
      await space.releaseRehydrationLock(showId, "another");
      expect(await space.isRehydrating(showId)).toBe(true);
      await space.releaseRehydrationLock(showId, token ?? "");
      expect(await space.isRehydrating(showId)).toBe(false);
      expect(await space.holdsRehydrationLock(showId, token ?? "")).toBe(false);
    });

    it("lapses after its lifetime unless renewed, and is refused for good once the show is archived", async () => {
      const h = await make();
      const showId = newShowId();
      const token = (await h.space.acquireRehydrationLock(showId, HOLD_MS)) ?? "";
      await h.pass(HOLD_MS + 100);
      expect(await h.space.isRehydrating(showId)).toBe(false);
      expect(await h.space.extendRehydrationLock(showId, token, LONG)).toBe(false);
      const next = await h.space.acquireRehydrationLock(showId, LONG);
      expect(next).not.toBeNull();
      expect(next).not.toBe(token);
      await h.space.markArchived(showId, "2026-01-01T00:00:00.000Z");
      expect(await h.space.isArchived(showId)).toBe(true);
      const refused = await h.space.acquireRehydrationLock(showId, LONG).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HotSeatError);
      expect((refused as HotSeatError).code).toBe("not_on_sale");
    });

    it("lets one rebuild request through per interval", async () => {
      const h = await make();
      const showId = newShowId();
      expect(await h.space.firstRebuildRequest(showId, HOLD_MS)).toBe(true);
      expect(await h.peer().firstRebuildRequest(showId, HOLD_MS)).toBe(false);
      expect(await h.space.firstRebuildRequest(newShowId(), HOLD_MS)).toBe(true);
      await h.pass(HOLD_MS + 100);
      expect(await h.space.firstRebuildRequest(showId, HOLD_MS)).toBe(true);
    });
  });

  describe("finding orders and shows", () => {
    it("indexes an order by id and by its buyer, newest first", async () => {
      const h = await make();
      const { showId, take } = await loaded(h.space, [10, 10]);
      const customer = `cus_${Date.now()}_${++n}`;
      const a = okRecord(await take({ customer, quantity: 1, shard: 1 }));
      await h.pass(5);
      const b = okRecord(await take({ customer, quantity: 1, shard: 1 }));
      await h.space.indexOrder(a, 1);
      await h.space.indexOrder(b, 1);
      expect(await h.space.locateOrder(a.id)).toEqual({ showId, shard: 1 });
      expect(await h.space.locateOrder(newOrderId())).toBeNull();
      expect(await h.space.findOrder(b.id)).toEqual({ record: b, pending: true });
      expect(await h.space.findOrder(b.id, { showId, shard: 0 })).toBeNull();
      expect(await h.space.recentOrderIds(customer)).toEqual([b.id, a.id]);
      expect(await h.space.recentOrderIds(customer, 1)).toEqual([b.id]);
      expect(await h.space.recentOrderIds("cus_nobody")).toEqual([]);
    });

    it("keeps the set of shows on sale", async () => {
      const { space } = await make();
      const [a, b] = [newShowId(), newShowId()];
      await space.markOnSale(a);
      await space.markOnSale(b);
      await space.markOnSale(a);
      expect((await space.showsOnSale()).filter((s) => s === a || s === b).sort()).toEqual([a, b].sort());
      await space.unmarkOnSale(a);
      expect((await space.showsOnSale()).filter((s) => s === a || s === b)).toEqual([b]);
    });

    it("archives a shard only once nothing of it lives only in the space", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 1, holdMs: LONG }));
      expect(await space.archiveShard(showId, 0)).toBe(false);
      const confirmed = (await space.changeOrder(showId, 0, a.id, "confirm")).record as OrderRecord;
      expect(await space.archiveShard(showId, 0)).toBe(false);
      expect(await space.confirmPersisted(showId, 0, [confirmed])).toBe(1);
      expect(await space.archiveShard(showId, 0)).toBe(true);
      expect(counters((await space.readShards(showId, 1))[0])).toEqual(shard0({ exists: false, status: null }));
      expect(await space.archiveShard(showId, 0)).toBe(true);
      expect(await space.isArchived(showId)).toBe(false);
    });
  });

  describe("reads", () => {
    it("charts tickets sold per bucket, zero-filled", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [10, 10]);
      const a = okRecord(await take({ customer: "cus_a", quantity: 2 }));
      okRecord(await take({ customer: "cus_b", quantity: 3, shard: 1 }));
      const at = Date.parse(a.createdAt);
      const bucket = Math.floor(at / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS;
      const chart = await space.salesTimeline(showId, 2, at - 2 * TIMELINE_BUCKET_MS, at + TIMELINE_BUCKET_MS);
      expect(chart.map((c) => c.at)).toEqual([0, 1, 2, 3].map((i) => bucket + (i - 2) * TIMELINE_BUCKET_MS));
      // Both takes fall in one bucket, or (a take on a bucket's edge) in two neighbours.
      expect(chart.reduce((s, c) => s + c.tickets, 0)).toBe(5);
      expect(chart[0]?.tickets).toBe(0);
      expect(chart[1]?.tickets).toBe(0);
      expect(chart[2]?.tickets).toBeGreaterThanOrEqual(2);
    });

    it("says a shard is replicated when it has no replicas to wait for, and changes nothing of it", async () => {
      const { space } = await make();
      const { showId, take } = await loaded(space, [5]);
      okRecord(await take({ customer: "cus_probe", quantity: 2 }));
      const before = counters((await space.readShards(showId, 1))[0]);
      expect(await space.replicated(showId, 0)).toBe(true);
      expect(await space.replicated(showId, 1)).toBe(true); // a shard never loaded is not made by asking
      const after = await space.readShards(showId, 2);
      expect(counters(after[0])).toEqual(before);
      expect(after[1]?.exists).toBe(false);
    });

    it("answers a ping and reports memory", async () => {
      const { space } = await make();
      expect(await space.ping()).toBe(true);
      const memory = await space.memory();
      expect(memory.nodes.length).toBeGreaterThan(0);
      expect(memory.usedBytes).toBe(memory.nodes.reduce((s, x) => s + x.usedBytes, 0));
    });
  });
}
