// The single table in memory, for the fast tests beside the code: one `InMemoryTable` shared by the
// show, order, projection and refund stores, so what a fake writer puts is what the fake readers
// read. Items are stored as the same mapping (`order-mapping.ts`) builds them for DynamoDB, copied
// through JSON as the document client's marshalling would, and each store keeps the contract its
// ElectroDB adapter keeps (`stores.contract.ts`).
import type { RefundOwed, RefundsOwed } from "../checkout/refunds.ts";
import type { OrderRecord } from "../order/index.ts";
import type { ProjectionStore, WriteOutcome } from "../projection/ports.ts";
import type { OrderStore, ShowStore } from "../sale/ports.ts";
import type { Show } from "../show/index.ts";
import {
  foldOrders,
  fromOrderItem,
  type LedgerItem,
  latestOfLedger,
  ledgerItem,
  type OrderItem,
  type OrderStatusItem,
  orderItem,
  orderStatusItem,
} from "./order-mapping.ts";

/** As DynamoDB would hand it back: a copy, without the attributes that were undefined. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** DynamoDB takes up to 25 items a BatchWriteItem call; the fake counts its calls the same way. */
const callsFor = (items: number) => Math.ceil(items / 25);

export class InMemoryTable {
  readonly shows = new Map<string, Show>();
  /** Show id → how many rebuilds have begun. */
  readonly rebuilds = new Map<string, number>();
  /** Show ids whose one fresh load was claimed. */
  readonly firstLoads = new Set<string>();
  readonly orders = new Map<string, OrderItem>();
  /** Order id → version → its status item. */
  readonly statuses = new Map<string, Map<number, OrderStatusItem & { customerId: string }>>();
  /** Show id → `orderId#version` → its ledger entry. */
  readonly ledger = new Map<string, Map<string, LedgerItem>>();
  /** Show id → shard → its projected `soldAfter`. */
  readonly projections = new Map<string, Map<number, number>>();
  /** `showId pumpShardId` → the last barrier of the show the writer met on that pump shard. */
  readonly fences = new Map<string, string>();
  /** Barrier id → the pump shards that recorded it. */
  readonly barriers = new Map<string, Set<string>>();
  readonly refunds = new Map<string, RefundOwed>();
}

const inner = <K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> => {
  let found = outer.get(key);
  if (!found) {
    found = new Map();
    outer.set(key, found);
  }
  return found;
};

export class InMemoryShowStore implements ShowStore {
  constructor(readonly table = new InMemoryTable()) {}

  async create(show: Show): Promise<void> {
    if (this.table.shows.has(show.id)) throw new Error(`show ${show.id} exists already`);
    this.table.shows.set(show.id, stored(show));
  }

  async get(showId: string): Promise<Show | null> {
    const show = this.table.shows.get(showId);
    return show ? stored(show) : null;
  }

  async list(): Promise<Show[]> {
    return [...this.table.shows.values()].map(stored);
  }

  async markOnSale(showId: string): Promise<void> {
    const show = this.table.shows.get(showId);
    if (!show) throw new Error(`no show ${showId}`);
    this.table.shows.set(showId, { ...show, status: "on_sale" });
  }

  async nextRebuild(showId: string): Promise<number> {
    if (!this.table.shows.has(showId)) throw new Error(`no show ${showId}`);
    const n = (this.table.rebuilds.get(showId) ?? 0) + 1;
    this.table.rebuilds.set(showId, n);
    return n;
  }

  async claimFirstLoad(showId: string): Promise<boolean> {
    if (!this.table.shows.has(showId)) return false;
    if (this.table.firstLoads.has(showId) || this.table.rebuilds.has(showId)) return false;
    this.table.firstLoads.add(showId);
    return true;
  }
}

export class InMemoryOrderStore implements OrderStore {
  constructor(readonly table = new InMemoryTable()) {}

  async get(orderId: string): Promise<OrderRecord | null> {
    const item = this.table.orders.get(orderId);
    return item
      ? fromOrderItem(stored(item), [...(this.table.statuses.get(orderId)?.values() ?? [])].map(stored))
      : null;
  }

  async byCustomer(customerId: string, limit: number): Promise<OrderRecord[]> {
    // The index's sort key: created at, then the order id, newest first.
    const items = [...this.table.orders.values()]
      .filter((o) => o.customerId === customerId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.orderId.localeCompare(a.orderId))
      .slice(0, limit);
    const statuses = [...this.table.statuses.values()].flatMap((versions) =>
      [...versions.values()].filter((s) => s.customerId === customerId),
    );
    return foldOrders(items.map(stored), statuses.map(stored));
  }

  async ofShow(showId: string): Promise<OrderRecord[]> {
    return latestOfLedger([...(this.table.ledger.get(showId)?.values() ?? [])]);
  }

  async projectedSold(showId: string): Promise<number> {
    return [...(this.table.projections.get(showId)?.values() ?? [])].reduce((sum, n) => sum + n, 0);
  }

  async barrierShards(barrierId: string): Promise<string[]> {
    return [...(this.table.barriers.get(barrierId) ?? [])];
  }
}

type ProjectionCall = "putOrders" | "raiseProjection" | "readFences" | "moveFences" | "recordBarriers";

/** What the fake writer's table can be made to do wrong, as DynamoDB does under load. */
export interface TableFaults {
  /**
   * Asked for each item of a `putOrders`: true leaves it unprocessed this time, as DynamoDB leaves a
   * throttled part of a BatchWriteItem in `UnprocessedItems`.
   */
  unprocessed?: (item: { kind: "order" | "ledger" | "status"; record: OrderRecord }) => boolean;
  /** Asked for each call: an error refuses the whole call (the table throttling past the SDK's retries, or away). */
  refuse?: (call: ProjectionCall) => Error | undefined;
}

export class InMemoryProjectionStore implements ProjectionStore {
  /** Settable at any time by a test. */
  faults: TableFaults;

  constructor(
    readonly table = new InMemoryTable(),
    faults: TableFaults = {},
  ) {
    this.faults = faults;
  }

  private refuse(call: ProjectionCall) {
    const error = this.faults.refuse?.(call);
    if (error) throw error;
  }

  async putOrders(records: OrderRecord[]): Promise<WriteOutcome> {
    this.refuse("putOrders");
    const left = new Set<string>();
    const put = (kind: "order" | "ledger" | "status", record: OrderRecord, write: () => void) => {
      if (this.faults.unprocessed?.({ kind, record })) left.add(record.id);
      else write();
    };
    const firstOfEach = [...new Map(records.map((o) => [o.id, o])).values()];
    for (const o of firstOfEach) put("order", o, () => this.table.orders.set(o.id, stored(orderItem(o))));
    for (const o of records)
      put("ledger", o, () => inner(this.table.ledger, o.showId).set(`${o.id}#${o.version}`, stored(ledgerItem(o))));
    const later = records.filter((o) => o.version > 1);
    for (const o of later)
      put("status", o, () => inner(this.table.statuses, o.id).set(o.version, stored(orderStatusItem(o))));
    return {
      unprocessed: [...left],
      calls: callsFor(firstOfEach.length) + callsFor(records.length) + callsFor(later.length),
    };
  }

  async raiseProjection(showId: string, shard: number, soldAfter: number): Promise<void> {
    this.refuse("raiseProjection");
    const shards = inner(this.table.projections, showId);
    if ((shards.get(shard) ?? 0) < soldAfter) shards.set(shard, soldAfter);
  }

  async readFences(pumpShardId: string, showIds: string[]): Promise<Map<string, string>> {
    this.refuse("readFences");
    const fences = new Map<string, string>();
    for (const showId of showIds) {
      const barrierId = this.table.fences.get(`${showId} ${pumpShardId}`);
      if (barrierId !== undefined) fences.set(showId, barrierId);
    }
    return fences;
  }

  async moveFences(pumpShardId: string, fences: { showId: string; barrierId: string }[]): Promise<void> {
    this.refuse("moveFences");
    for (const f of fences) this.table.fences.set(`${f.showId} ${pumpShardId}`, f.barrierId);
  }

  async recordBarriers(barriers: { barrierId: string; pumpShardId: string }[]): Promise<void> {
    this.refuse("recordBarriers");
    for (const b of barriers) {
      const shards = this.table.barriers.get(b.barrierId) ?? new Set<string>();
      shards.add(b.pumpShardId);
      this.table.barriers.set(b.barrierId, shards);
    }
  }
}

export class InMemoryRefundsOwed implements RefundsOwed {
  constructor(readonly table = new InMemoryTable()) {}

  async owe(refund: RefundOwed): Promise<void> {
    this.table.refunds.set(refund.orderId, stored(refund));
  }

  async failed(orderId: string, attempts: number, lastError: string): Promise<void> {
    const owed = this.table.refunds.get(orderId);
    if (owed) this.table.refunds.set(orderId, { ...owed, attempts, lastError });
  }

  async settle(orderId: string): Promise<void> {
    this.table.refunds.delete(orderId);
  }

  async all(): Promise<RefundOwed[]> {
    return [...this.table.refunds.values()].sort((a, b) => a.orderId.localeCompare(b.orderId)).map(stored);
  }
}
