// One idea, longer than most files: the space's whole behaviour in one process, step for step as the Lua in
// scripts.ts does it (the shared lifecycle first, then one method per script), so the two can be read side by side.
import { HotSeatError } from "../error/index.ts";
import { newUlid } from "../id/index.ts";
import type { OrderRecord } from "../order/index.ts";
import { TIMELINE_BUCKET_MS } from "./keys.ts";
import type { SpaceMemory } from "./memory.ts";
import type {
  ChangeOutcome,
  Loan,
  OrderAction,
  PendingCursor,
  PendingPage,
  ShardSnapshot,
  ShardState,
  Space,
  TakeInput,
  TakeResult,
} from "./port.ts";
import {
  fingerprintOf,
  idempotencyField,
  parseRecord,
  pendingMember,
  RECLAIM_BATCH,
  sumTimelines,
  timelineOf,
} from "./records.ts";
import { SeenShards } from "./seen.ts";

type Json = Record<string, unknown>;
/** A take's outcome before the expired holds are added to it (each case of the union kept whole). */
type Outcome = TakeResult extends infer R ? (R extends unknown ? Omit<R, "expired"> : never) : never;

/** One shard's keys, as the Redis space keeps them (see keys.ts): each may exist without the others. */
interface ShardData {
  /** The inventory hash: stock, sold, held, …, status, gen, seq. Empty = the shard is absent. */
  inv: Map<string, string | number>;
  customers: Map<string, number>;
  /** idempotency field → `${fingerprint}\n${orderId}` */
  idem: Map<string, string>;
  /** orderId → the order's JSON */
  orders: Map<string, string>;
  /** `orderId#version` → when that version was made */
  pending: Map<string, number>;
  /** held orderId → its deadline */
  holds: Map<string, number>;
  /** transferId → `${to}\n${count}\n${atMs}\n${gen}` */
  lent: Map<string, string>;
  received: Set<string>;
  timeline: Map<number, number>;
}

const emptyShard = (): ShardData => ({
  inv: new Map(),
  customers: new Map(),
  idem: new Map(),
  orders: new Map(),
  pending: new Map(),
  holds: new Map(),
  lent: new Map(),
  received: new Set(),
  timeline: new Map(),
});

const copyShard = (d: ShardData): ShardData => ({
  inv: new Map(d.inv),
  customers: new Map(d.customers),
  idem: new Map(d.idem),
  orders: new Map(d.orders),
  pending: new Map(d.pending),
  holds: new Map(d.holds),
  lent: new Map(d.lent),
  received: new Set(d.received),
  timeline: new Map(d.timeline),
});

/** A value with an expiry (epoch ms by the space's clock; Infinity: none). */
interface Expiring<T> {
  value: T;
  until: number;
}

/** What every process on one space shares: an InMemorySpace and its peers see the same store. */
class Store {
  readonly shards = new Map<string, ShardData>();
  readonly orderIndex = new Map<string, Expiring<string>>();
  readonly recent = new Map<string, Expiring<Map<string, number>>>();
  readonly onSale = new Set<string>();
  readonly archived = new Map<string, string>();
  readonly locks = new Map<string, Expiring<string>>();
  readonly rebuildRequested = new Map<string, Expiring<string>>();
  /** Whether the (notional) replicas answer `replicated`: a test sets it false for replicas that fell behind. */
  replicasAnswer = true;
}

/** Members of a sorted set in Redis's order: by score, then by member. */
const sorted = (set: Map<string, number>) =>
  [...set]
    .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0))
    .map(([member, score]) => ({ member, score }));

const num = (v: string | number | undefined) => Number(v ?? 0);

export interface InMemorySpaceOptions {
  /** The space's clock (epoch ms): hold deadlines, lock and index expiry. Tests pass one they can move. */
  now?: () => number;
  /** What `memory()` reports as the space's limit (0: none). */
  maxBytes?: number;
}

/**
 * The space in one process, for unit tests of the domain: the same outcomes as the Redis space (space.contract.ts
 * holds both to them), with a clock the test moves. `peer()` is another process on the same space;
 * `copyShard` and its restore reproduce a failover to a replica that missed the last writes.
 */
export class InMemorySpace implements Space {
  private readonly seen = new SeenShards();
  readonly now: () => number;
  private readonly maxBytes: number;

  constructor(
    options: InMemorySpaceOptions = {},
    private readonly store = new Store(),
  ) {
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? 0;
  }

  /** Another process on the same space: its own view of what it saw of each shard, the same data. */
  peer(): InMemorySpace {
    return new InMemorySpace({ now: this.now, maxBytes: this.maxBytes }, this.store);
  }

  /** A copy of one shard as it is now; the returned call puts it back (what a promoted stale replica holds). */
  copyShard(showId: string, shard: number): () => void {
    const copy = copyShard(this.shard(showId, shard));
    return () => this.store.shards.set(`${showId}\n${shard}`, copyShard(copy));
  }

  /** Deletes every key of the show's shards, as the harness's "space loses a show" does on Redis; the lock stays. */
  loseShow(showId: string) {
    for (const key of [...this.store.shards.keys()]) if (key.startsWith(`${showId}\n`)) this.store.shards.delete(key);
  }

  /** The replicas fall behind (false) or catch up (true), for every process on this space. */
  setReplicasAnswering(answering: boolean) {
    this.store.replicasAnswer = answering;
  }

  /** Sets a shard's status field directly, as a test may with HSET on Redis (nothing in the domain does). */
  setShardStatus(showId: string, shard: number, status: string) {
    this.shard(showId, shard).inv.set("status", status);
  }

  private shard(showId: string, shard: number): ShardData {
    const key = `${showId}\n${shard}`;
    let d = this.store.shards.get(key);
    if (!d) {
      d = emptyShard();
      this.store.shards.set(key, d);
    }
    return d;
  }

  private incr(d: ShardData, field: string, by: number) {
    const v = num(d.inv.get(field)) + by;
    d.inv.set(field, v);
    return v;
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return e.value;
  }

  // The shared lifecycle (LIFECYCLE in scripts.ts).

  private queue(d: ShardData, o: Json, nowMs: number) {
    const q = Number(o.quantity);
    const v = Number(o.version ?? 1);
    if (v > 1 && d.pending.delete(`${o.id}#${v - 1}`)) this.incr(d, "pendingTickets", -q);
    const member = `${o.id}#${v}`;
    const added = !d.pending.has(member);
    d.pending.set(member, nowMs);
    if (added) this.incr(d, "pendingTickets", q);
  }

  /** Every version names the shard's generation, as the scripts' `stamp` does. */
  private stamp(d: ShardData, o: Json) {
    o.generation = String(d.inv.get("gen") ?? "preload");
  }

  private bump(o: Json, status: string, nowIso: string) {
    o.status = status;
    o.version = Number(o.version ?? 1) + 1;
    o.updatedAt = nowIso;
  }

  private returnTickets(d: ShardData, o: Json, reopen: boolean, reason: string) {
    const q = Number(o.quantity);
    // Releasing until the change is durable, as in the Lua (see returnTickets and credit in scripts.ts).
    if (reopen) {
      this.incr(d, "releasing", q);
      this.incr(d, `rel:${String(o.id)}`, q);
    }
    this.incr(d, reason, q);
    const customer = String(o.customerId);
    const left = (d.customers.get(customer) ?? 0) - q;
    if (left > 0) d.customers.set(customer, left);
    else d.customers.delete(customer);
  }

  private credit(d: ShardData, orderId: string): number {
    const q = num(d.inv.get(`rel:${orderId}`));
    if (q <= 0) return 0;
    d.inv.delete(`rel:${orderId}`);
    this.incr(d, "releasing", -q);
    this.incr(d, "stock", q);
    return q;
  }

  async creditReleased(showId: string, shard: number, orderIds: string[]): Promise<number> {
    const d = this.shard(showId, shard);
    if (d.inv.size === 0) return 0;
    let n = 0;
    for (const id of orderIds) n += this.credit(d, id);
    return n;
  }

  private expire(d: ShardData, o: Json, nowMs: number, nowIso: string) {
    d.holds.delete(String(o.id));
    this.incr(d, "held", -Number(o.quantity));
    this.returnTickets(d, o, true, "expired");
    this.bump(o, "expired", nowIso);
    this.stamp(d, o);
    const json = JSON.stringify(o);
    d.orders.set(String(o.id), json);
    this.queue(d, o, nowMs);
    return json;
  }

  private wentBack(d: ShardData, expectGen: string, expectSeq: number) {
    if (expectGen === "") return false;
    return String(d.inv.get("gen") ?? "") === expectGen && num(d.inv.get("seq")) < expectSeq;
  }

  private regressed(d: ShardData, why: string) {
    d.inv.set("status", "frozen");
    d.inv.set("regressed", why);
  }

  private reclaim(d: ShardData, nowMs: number, nowIso: string, limit: number, out: string[]) {
    const due = sorted(d.holds)
      .filter((h) => h.score <= nowMs)
      .slice(0, limit);
    for (const { member: id } of due) {
      const json = d.orders.get(id);
      const o = json ? (JSON.parse(json) as Json) : null;
      if (o && o.status === "held") out.push(this.expire(d, o, nowMs, nowIso));
      else d.holds.delete(id);
    }
    return due.length;
  }

  // One method per script.

  async replicated(_showId: string, _shard: number): Promise<boolean> {
    return this.store.replicasAnswer;
  }

  async takeTickets(input: TakeInput): Promise<TakeResult> {
    const d = this.shard(input.showId, input.shard);
    const expect = this.seen.get(input.showId, input.shard);
    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString();
    const status = d.inv.get("status");
    if (status === undefined) return { outcome: "missing", expired: [] };
    const out: string[] = [];
    const done = (r: Outcome): TakeResult => {
      this.seen.saw(input.showId, input.shard, String(d.inv.get("gen") ?? ""), num(d.inv.get("seq")));
      return { ...r, expired: out.map(parseRecord) } as TakeResult;
    };
    const prior = d.idem.get(idempotencyField(input.customerId, input.idempotencyKey));
    if (prior !== undefined) {
      const sep = prior.indexOf("\n");
      if (prior.slice(0, sep) !== input.fingerprint) return done({ outcome: "reused" });
      const oid = prior.slice(sep + 1);
      const json = d.orders.get(oid) ?? "";
      const v = json !== "" ? ((JSON.parse(json) as Json).version ?? 1) : 1;
      return done({ outcome: "replay", record: parseRecord(json), pending: d.pending.has(`${oid}#${v}`) });
    }
    if (this.wentBack(d, expect?.gen ?? "", expect?.seq ?? 0)) {
      this.regressed(d, `take:${expect?.gen}:${expect?.seq}`);
      return done({ outcome: "regressed" });
    }
    if (status === "frozen") return done({ outcome: "rehydrating" });
    if (status !== "on_sale") return done({ outcome: "not_on_sale" });
    const swept = this.reclaim(d, nowMs, nowIso, RECLAIM_BATCH, out);
    const qty = input.order.quantity;
    const max = num(d.inv.get("max"));
    const had = d.customers.get(input.customerId) ?? 0;
    if (had + qty > max) return done({ outcome: "limit", allowed: Math.max(0, max - had) });
    const stock = num(d.inv.get("stock"));
    if (stock < qty) {
      if (swept === RECLAIM_BATCH) return done({ outcome: "reclaiming" });
      return done({ outcome: "short", stock });
    }
    this.incr(d, "stock", -qty);
    const sold = this.incr(d, "sold", qty);
    this.incr(d, "seq", 1);
    d.customers.set(input.customerId, had + qty);
    const order = JSON.parse(JSON.stringify(input.order)) as Json;
    order.soldAfter = sold;
    order.createdAt = nowIso;
    if (input.holdMs > 0) {
      const holdUntil = nowMs + input.holdMs;
      order.holdExpiresAt = new Date(holdUntil).toISOString();
      d.holds.set(input.order.id, holdUntil);
      this.incr(d, "held", qty);
    }
    this.stamp(d, order);
    const json = JSON.stringify(order);
    d.idem.set(idempotencyField(input.customerId, input.idempotencyKey), `${input.fingerprint}\n${input.order.id}`);
    d.orders.set(input.order.id, json);
    this.queue(d, order, nowMs);
    const bucket = Math.floor(nowMs / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS;
    d.timeline.set(bucket, (d.timeline.get(bucket) ?? 0) + qty);
    return done({ outcome: "ok", record: parseRecord(json) });
  }

  async reclaimHolds(showId: string, shard: number): Promise<OrderRecord[]> {
    const d = this.shard(showId, shard);
    if (d.inv.get("status") !== "on_sale") return [];
    const out: string[] = [];
    const nowMs = this.now();
    this.reclaim(d, nowMs, new Date(nowMs).toISOString(), RECLAIM_BATCH, out);
    return out.map(parseRecord);
  }

  async changeOrder(
    showId: string,
    shard: number,
    orderId: string,
    action: OrderAction,
    extra: { paymentRef?: string; note?: string } = {},
  ): Promise<{ outcome: ChangeOutcome; record: OrderRecord | null }> {
    const d = this.shard(showId, shard);
    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString();
    let json = d.orders.get(orderId);
    if (json === undefined) return { outcome: "missing", record: null };
    const shardStatus = d.inv.get("status");
    if (shardStatus === "frozen") return { outcome: "rehydrating", record: null };
    const o = JSON.parse(json) as Json;
    if (o.status === "held" && (d.holds.get(String(o.id)) ?? 0) <= nowMs) json = this.expire(d, o, nowMs, nowIso);
    const answer = (outcome: ChangeOutcome) => ({ outcome, record: parseRecord(json ?? "") });
    const save = () => {
      this.stamp(d, o);
      json = JSON.stringify(o);
      d.orders.set(String(o.id), json);
      this.queue(d, o, nowMs);
      return answer("changed");
    };
    const status = o.status as OrderRecord["status"];
    const unhold = () => {
      d.holds.delete(String(o.id));
      this.incr(d, "held", -Number(o.quantity));
    };
    switch (action) {
      case "confirm":
        if (status === "confirmed") return answer("already");
        if (status !== "held") return answer(status);
        unhold();
        this.bump(o, "confirmed", nowIso);
        if (extra.paymentRef) o.paymentRef = extra.paymentRef;
        return save();
      case "cancel":
        if (status === "cancelled") return answer("already");
        if (status !== "held") return answer(status);
        unhold();
        this.returnTickets(d, o, true, "cancelled");
        this.bump(o, "cancelled", nowIso);
        return save();
      case "refund":
        if (status === "refunded") return answer("already");
        if (status !== "confirmed") return answer(status);
        this.returnTickets(d, o, shardStatus === "on_sale", "refunded");
        this.bump(o, "refunded", nowIso);
        return save();
      case "note": {
        const note = extra.note ?? "";
        if (o.note === note) return answer("already");
        o.note = note;
        o.version = Number(o.version ?? 1) + 1;
        o.updatedAt = nowIso;
        return save();
      }
      default:
        throw new Error(`changeOrder: unknown action ${action}`);
    }
  }

  async lendStock(showId: string, from: number, to: number, want: number): Promise<Loan> {
    const d = this.shard(showId, from);
    const transferId = newUlid();
    if (d.inv.get("status") !== "on_sale") return { transferId, lent: 0, generation: "" };
    const n = Math.min(num(d.inv.get("stock")), want);
    if (n <= 0) return { transferId, lent: 0, generation: "" };
    const gen = String(d.inv.get("gen") ?? "");
    this.incr(d, "stock", -n);
    const seq = this.incr(d, "seq", 1);
    d.lent.set(transferId, `${to}\n${n}\n${this.now()}\n${gen}`);
    this.seen.saw(showId, from, gen, seq);
    return { transferId, lent: n, generation: gen };
  }

  async creditStock(showId: string, to: number, loan: Loan): Promise<number> {
    const d = this.shard(showId, to);
    if (d.inv.size === 0) return -1;
    if (String(d.inv.get("gen") ?? "") !== loan.generation) return -1;
    if (d.received.has(loan.transferId)) return 0;
    d.received.add(loan.transferId);
    this.incr(d, "stock", loan.lent);
    return 1;
  }

  async moveStock(showId: string, from: number, to: number, want: number): Promise<number> {
    const loan = await this.lendStock(showId, from, to, want);
    if (loan.lent <= 0) return 0;
    // In transit until the replicas hold the loan (see take.ts). One flag stands for every shard's replicas here, so
    // once past it the home shard's hold the credit too.
    if (!this.store.replicasAnswer) return 0;
    const credited = await this.creditStock(showId, to, loan);
    this.shard(showId, from).lent.delete(loan.transferId);
    return credited === 1 ? loan.lent : 0;
  }

  async settleLoans(showId: string, shard: number, olderThanMs: number): Promise<number> {
    const donor = this.shard(showId, shard);
    let credited = 0;
    for (const [transferId, value] of [...donor.lent]) {
      const [toText = "0", countText = "0", atText = "0", generation = ""] = value.split("\n");
      if (this.now() - Number(atText) < olderThanMs) continue;
      if (!this.store.replicasAnswer) break;
      const r = await this.creditStock(showId, Number(toText), { transferId, lent: Number(countText), generation });
      if (r === 1) credited += Number(countText);
      if (r >= 0) donor.lent.delete(transferId);
    }
    return credited;
  }

  async confirmPersisted(
    showId: string,
    shard: number,
    orders: Pick<OrderRecord, "id" | "version" | "quantity">[],
  ): Promise<number> {
    if (orders.length === 0) return 0;
    const d = this.shard(showId, shard);
    if (d.inv.size === 0) return 0;
    let n = 0;
    for (const o of orders) {
      const member = pendingMember(o);
      if (d.pending.delete(member)) {
        this.incr(d, "pendingTickets", -o.quantity);
        n++;
        this.credit(d, o.id);
      } else {
        const json = d.orders.get(o.id);
        const have = json ? Number(json.match(/"version":(\d+)/)?.[1] ?? 1) : 0;
        if (have < o.version) this.regressed(d, `writer:${member}`);
      }
    }
    return n;
  }

  async loadShard(showId: string, shard: number, stock: number, maxPerCustomer: number): Promise<boolean> {
    const d = this.shard(showId, shard);
    if (d.inv.size > 0) return false;
    const fields = { stock, sold: 0, held: 0, expired: 0, cancelled: 0, refunded: 0, pendingTickets: 0 };
    for (const [f, v] of Object.entries(fields)) d.inv.set(f, v);
    d.inv.set("max", maxPerCustomer).set("shard", shard).set("status", "on_sale").set("gen", "preload");
    return true;
  }

  async freezeShard(showId: string, shard: number): Promise<boolean> {
    const d = this.shard(showId, shard);
    if (d.inv.size === 0) return false;
    d.inv.set("status", "frozen");
    return true;
  }

  async rebuildShard(showId: string, shard: number, snap: ShardSnapshot): Promise<void> {
    const d = emptyShard();
    this.store.shards.set(`${showId}\n${shard}`, d);
    for (const [c, n] of snap.customers) d.customers.set(c, n);
    for (const [at, n] of timelineOf(snap.orders)) d.timeline.set(at, n);
    for (const o of snap.orders) {
      d.orders.set(o.id, JSON.stringify(o));
      d.idem.set(idempotencyField(o.customerId, o.idempotencyKey), `${fingerprintOf(o.quantity)}\n${o.id}`);
      if (o.status === "held" && o.holdExpiresAt) d.holds.set(o.id, Date.parse(o.holdExpiresAt));
    }
    const { stock, sold, held, expired, cancelled, refunded, max } = snap;
    const fields = { stock, sold, held, expired, cancelled, refunded, gen: snap.generation, pendingTickets: 0, max };
    for (const [f, v] of Object.entries(fields)) d.inv.set(f, v);
    d.inv.set("shard", shard).set("status", "on_sale");
  }

  async archiveShard(showId: string, shard: number): Promise<boolean> {
    const d = this.shard(showId, shard);
    if (d.inv.size === 0) return true;
    if (d.pending.size > 0 || d.lent.size > 0 || d.holds.size > 0) return false;
    this.store.shards.delete(`${showId}\n${shard}`);
    return true;
  }

  async markArchived(showId: string, atIso: string): Promise<void> {
    this.store.archived.set(showId, atIso);
  }

  async isArchived(showId: string): Promise<boolean> {
    return this.store.archived.has(showId);
  }

  async markOnSale(showId: string): Promise<void> {
    this.store.onSale.add(showId);
  }

  async unmarkOnSale(showId: string): Promise<void> {
    this.store.onSale.delete(showId);
  }

  async showsOnSale(): Promise<string[]> {
    return [...this.store.onSale];
  }

  async readShards(showId: string, shards: number): Promise<ShardState[]> {
    return Array.from({ length: shards }, (_, shard) => {
      const d = this.shard(showId, shard);
      const status = d.inv.get("status");
      let inTransit = 0;
      for (const loan of d.lent.values()) inTransit += Number(loan.split("\n")[1]);
      const oldest = sorted(d.pending)[0];
      const nextHold = sorted(d.holds)[0];
      return {
        shard,
        exists: status !== undefined,
        status: status === undefined ? null : String(status),
        stock: num(d.inv.get("stock")),
        inTransit,
        sold: num(d.inv.get("sold")),
        held: num(d.inv.get("held")),
        expired: num(d.inv.get("expired")),
        cancelled: num(d.inv.get("cancelled")),
        refunded: num(d.inv.get("refunded")),
        releasing: num(d.inv.get("releasing")),
        nextHoldDeadline: nextHold ? nextHold.score : null,
        spaceNow: this.now(),
        pendingTickets: num(d.inv.get("pendingTickets")),
        pendingOrders: d.pending.size,
        oldestPendingAt: oldest ? oldest.score : null,
      };
    });
  }

  async salesTimeline(showId: string, shards: number, sinceMs: number, nowMs = this.now()) {
    const timelines = Array.from({ length: shards }, (_, s) => Object.fromEntries(this.shard(showId, s).timeline));
    return sumTimelines(timelines, sinceMs, nowMs);
  }

  async pendingOrders(showId: string, shard: number, beforeMs: number, limit = 500): Promise<OrderRecord[]> {
    const d = this.shard(showId, shard);
    const members = sorted(d.pending)
      .filter((p) => p.score <= beforeMs)
      .slice(0, limit);
    const ids = [...new Set(members.map((m) => m.member.split("#")[0] as string))];
    return ids.flatMap((id) => {
      const json = d.orders.get(id);
      return json === undefined ? [] : [parseRecord(json)];
    });
  }

  async pendingPage(
    showId: string,
    shard: number,
    from: PendingCursor,
    beforeMs: number,
    limit: number,
  ): Promise<PendingPage> {
    const d = this.shard(showId, shard);
    const entries = sorted(d.pending)
      .filter((p) => p.score >= from.score && p.score <= beforeMs)
      .slice(from.skip, from.skip + limit)
      .map((p) => ({ member: p.member, at: p.score }));
    const ids = [...new Set(entries.map((e) => e.member.split("#")[0] as string))];
    const orders = ids.flatMap((id) => {
      const json = d.orders.get(id);
      return json === undefined ? [] : [parseRecord(json)];
    });
    return { entries, orders };
  }

  async countPending(showId: string, shard: number, from: PendingCursor, beforeMs: number): Promise<number> {
    const d = this.shard(showId, shard);
    let n = 0;
    for (const at of d.pending.values()) if (at >= from.score && at <= beforeMs) n++;
    return Math.max(0, n - from.skip);
  }

  async indexOrder(order: Pick<OrderRecord, "id" | "showId" | "customerId" | "createdAt">, shard: number) {
    const now = this.now();
    this.store.orderIndex.set(order.id, { value: `${order.showId}\n${shard}`, until: now + 7 * 24 * 3600 * 1000 });
    const recent = this.live(this.store.recent, order.customerId) ?? new Map<string, number>();
    recent.set(order.id, Date.parse(order.createdAt));
    this.store.recent.set(order.customerId, { value: recent, until: now + 24 * 3600 * 1000 });
  }

  async recentOrderIds(customerId: string, limit = 100): Promise<string[]> {
    const recent = this.live(this.store.recent, customerId);
    if (!recent) return [];
    const since = this.now() - 24 * 3600 * 1000;
    return sorted(recent)
      .reverse()
      .filter((r) => r.score >= since)
      .slice(0, limit)
      .map((r) => r.member);
  }

  async locateOrder(orderId: string): Promise<{ showId: string; shard: number } | null> {
    const where = this.live(this.store.orderIndex, orderId);
    if (!where) return null;
    const [showId = "", shard = "0"] = where.split("\n");
    return { showId, shard: Number(shard) };
  }

  async findOrder(
    orderId: string,
    where?: { showId: string; shard: number } | null,
  ): Promise<{ record: OrderRecord; pending: boolean } | null> {
    where ??= await this.locateOrder(orderId);
    if (!where) return null;
    const d = this.shard(where.showId, where.shard);
    const json = d.orders.get(orderId);
    if (!json) return null;
    const record = parseRecord(json);
    return { record, pending: d.pending.has(pendingMember(record)) };
  }

  async acquireRehydrationLock(showId: string, ttlMs: number): Promise<string | null> {
    if (this.store.archived.has(showId)) throw new HotSeatError("not_on_sale", "this show is over");
    if (this.live(this.store.locks, showId) !== undefined) return null;
    const token = newUlid();
    this.store.locks.set(showId, { value: token, until: this.now() + ttlMs });
    return token;
  }

  async extendRehydrationLock(showId: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.live(this.store.locks, showId) !== token) return false;
    this.store.locks.set(showId, { value: token, until: this.now() + ttlMs });
    return true;
  }

  async holdsRehydrationLock(showId: string, token: string): Promise<boolean> {
    return this.live(this.store.locks, showId) === token;
  }

  async releaseRehydrationLock(showId: string, token: string): Promise<void> {
    if (this.live(this.store.locks, showId) === token) this.store.locks.delete(showId);
  }

  async isRehydrating(showId: string): Promise<boolean> {
    return this.live(this.store.locks, showId) !== undefined;
  }

  async firstRebuildRequest(showId: string, everyMs: number): Promise<boolean> {
    if (this.live(this.store.rebuildRequested, showId) !== undefined) return false;
    this.store.rebuildRequested.set(showId, { value: "1", until: this.now() + everyMs });
    return true;
  }

  /** A rough size of what the space holds (its JSON), so a test sees it grow; one node. */
  async memory(): Promise<SpaceMemory> {
    let usedBytes = 0;
    for (const d of this.store.shards.values()) for (const json of d.orders.values()) usedBytes += json.length;
    const maxBytes = this.maxBytes;
    const fullestPercent = maxBytes > 0 ? Math.round((1000 * usedBytes) / maxBytes) / 10 : null;
    return { usedBytes, maxBytes, fullestPercent, nodes: [{ node: "in-memory", usedBytes, maxBytes }] };
  }

  async ping(): Promise<boolean> {
    return true;
  }
}
