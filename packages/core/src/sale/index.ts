import { LRUCache } from "lru-cache";
import type { z } from "zod";
import type { Db } from "../db/index.ts";
import { HotSeatError } from "../error/index.ts";
import { log, maskCustomer } from "../log/index.ts";
import { newOrderId, type Order, type OrderRecord, PurchaseBody, toOrder } from "../order/index.ts";
import { foldOrders, fromOrderItem } from "../projection/index.ts";
import type { PumpPublisher } from "../pump/index.ts";
import { inProcessTrigger, type RebuildTrigger, RebuildWorker } from "../rehydrate/worker.ts";
import { type Availability, CreateShowInput, newShowId, type Show, splitCapacity } from "../show/index.ts";
import {
  fingerprintOf,
  homeShard,
  type InventorySpace,
  type ShardState,
  type SpaceMemory,
  TIMELINE_BUCKET_MS,
} from "../space/index.ts";
import { sleep } from "../util/index.ts";
import { republishBacklog } from "./sweep.ts";

export interface SaleOptions {
  /** How long a buyer waits for the rebuild worker before a 503 `rehydrating` (then it polls). */
  rehydrationWaitMs?: number;
  /** The rebuild lock's lifetime: the worker renews it while it works, so a dead worker's lapses within this. */
  rehydrationLockMs?: number;
  barrierTimeoutMs?: number;
  /** A pending order older than this is re-published by the sweeper. */
  staleAfterMs?: number;
  /** How long one sweep may spend re-publishing a backlog (the sweeper Lambda's timeout, less a margin). */
  sweepBudgetMs?: number;
  /** A loan between shards older than this is settled by the sweeper. */
  loanStaleAfterMs?: number;
  /**
   * How long one process reuses a show's availability. Pollers far outnumber buyers; the count
   * only falls, so a reused value never claims sold out early. 0 reads the space every time.
   */
  availabilityCacheMs?: number;
  /** How long one process shares the list of shows (the route's `max-age`). 0 reads it every time. */
  listCacheMs?: number;
  /**
   * Fault injection for tests: runs right after the space took the tickets and before the
   * pump publish, the exact point where a crash must not lose the sale.
   */
  afterTake?: (record: OrderRecord) => void | Promise<void>;
}

export interface SaleDeps {
  db: Db;
  space: InventorySpace;
  publisher: PumpPublisher;
  options?: SaleOptions;
  /** Where a lost show's rebuild is asked for (a Lambda on AWS); else this process's own worker, in the background. */
  rebuild?: RebuildTrigger;
}

export type ShowView = Show & { remaining: number; held: number; soldOut: boolean };

/**
 * `PurchaseBody` as the API's validator parses it. The brand exists only in the types: it lets
 * `purchase` take such a body without parsing it a second time.
 */
export const ParsedPurchaseBody = PurchaseBody.brand<"ParsedPurchaseBody">();
export type ParsedPurchaseBody = z.output<typeof ParsedPurchaseBody>;

/**
 * A purchase: `body` is parsed here; `parsedBody` already was, by `ParsedPurchaseBody`. The
 * customer is the one a verified token named, never the body.
 */
export type PurchaseRequest = {
  showId: string;
  customerId: string;
  idempotencyKey: string;
  correlationId?: string;
  /** The request's trace header (X-Ray's `X-Amzn-Trace-Id` on AWS). */
  traceId?: string;
} & ({ body: PurchaseBody } | { parsedBody: ParsedPurchaseBody });

export interface ShowStats {
  showId: string;
  status: Show["status"];
  capacity: number;
  remaining: number;
  /** Tickets out of stock now: held plus confirmed. */
  sold: number;
  held: number;
  confirmed: number;
  /** Tickets given back, ever, by lapsed holds, cancellations and refunds. */
  expired: number;
  cancelled: number;
  refunded: number;
  /** Tickets taken, ever (returns included). */
  taken: number;
  /** Of those taken, the ones whose order DynamoDB holds at its current status. */
  persisted: number;
  pending: number;
  pendingOrders: number;
  oldestPendingMs: number | null;
  projectedSold: number;
  shards: number;
  at: string;
  /** Tickets sold per bucket over the last five minutes, oldest first (`at` is the bucket's start, epoch ms). */
  timeline: { bucketMs: number; buckets: { at: number; tickets: number }[] };
  /** The space's memory (every show's): a full space refuses every purchase, so the operator watches it. */
  space: SpaceMemory;
}

const toShow = (item: {
  showId: string;
  name: string;
  venue: string;
  startsAt: string;
  capacity: number;
  priceCents: number;
  maxPerCustomer: number;
  shards: number;
  holdSeconds?: number;
  status: "draft" | "on_sale";
  createdAt: string;
}): Show => ({
  id: item.showId,
  name: item.name,
  venue: item.venue,
  startsAt: item.startsAt,
  capacity: item.capacity,
  priceCents: item.priceCents,
  maxPerCustomer: item.maxPerCustomer,
  shards: item.shards,
  holdSeconds: item.holdSeconds ?? 600,
  status: item.status,
  createdAt: item.createdAt,
});

/** One read, shared by the callers that come within a time-to-live of its start. */
interface SharedRead<T> {
  at: number;
  value: Promise<T>;
}

/** A show's availability read, with its JSON text serialized once for every poller. */
interface AvailabilityRead extends SharedRead<Availability> {
  json?: Promise<string>;
  /** The JSON text once the read has answered. */
  text?: string;
}

/**
 * The fresh read under `key`, or a new one from `start`, kept for `ttlMs` (0 keeps none). A read
 * that fails is dropped at once, so the next caller tries again.
 */
function shared<K, R extends SharedRead<unknown>>(cache: Map<K, R>, key: K, ttlMs: number, start: () => R): R {
  const cached = cache.get(key);
  if (cached && Date.now() - cached.at < ttlMs) return cached;
  const read = start();
  if (ttlMs > 0) {
    cache.set(key, read);
    read.value.catch(() => {
      if (cache.get(key) === read) cache.delete(key);
    });
  }
  return read;
}

function parsePurchase(body: unknown): PurchaseBody {
  const parsed = PurchaseBody.safeParse(body);
  if (!parsed.success) throw new HotSeatError("invalid_request", parsed.error.issues[0]?.message ?? "invalid purchase");
  return parsed.data;
}

/**
 * An order is acknowledged only once the pump holds it: the space alone may lose it. The tickets stay
 * taken (pending, re-published by the sweeper); a retry with the same Idempotency-Key returns the order.
 */
const unpublished = () =>
  new HotSeatError("unavailable", "the order could not be recorded yet; retry with the same Idempotency-Key");

const remainingOf = (states: ShardState[]) => states.reduce((sum, s) => sum + s.stock + s.inTransit, 0);

/**
 * The sale: shows, purchases and their recovery. Purchases touch only the space and the
 * pump; DynamoDB is read once per show per process (its immutable settings) and on recovery.
 */
export class Sales {
  private readonly showCache = new Map<string, Show>();
  /** Ids that named no show, keyed by client input: bounded, so a scan of made-up ids cannot grow it. */
  private readonly missCache = new LRUCache<string, true>({ max: 10_000, ttl: 2000 });
  /** When DynamoDB last said a show was a draft: buyers and page loads before the opening must not each read it. */
  private readonly draftSeen = new Map<string, number>();
  private readonly availabilityCache = new Map<string, AvailabilityRead>();
  /** The list of shows, under the one key "all". */
  private readonly listCache = new Map<"all", SharedRead<ShowView[]>>();
  private readonly opts: Required<Omit<SaleOptions, "afterTake">> & Pick<SaleOptions, "afterTake">;
  /** This process's rebuild worker: the local stack's, and the rebuild Lambda's. */
  readonly rebuilder: RebuildWorker;
  private readonly rebuildTrigger: RebuildTrigger;

  constructor(private readonly deps: SaleDeps) {
    this.opts = {
      rehydrationWaitMs: 1000,
      rehydrationLockMs: 10_000,
      barrierTimeoutMs: 30_000,
      staleAfterMs: 30_000,
      sweepBudgetMs: 40_000,
      loanStaleAfterMs: 5_000,
      availabilityCacheMs: 200,
      listCacheMs: 2000,
      ...deps.options,
    };
    this.rebuilder = new RebuildWorker(
      { db: deps.db, space: deps.space, publisher: deps.publisher, loadShow: (id) => this.loadShow(id) },
      {
        lockMs: this.opts.rehydrationLockMs,
        barrierTimeoutMs: this.opts.barrierTimeoutMs,
      },
    );
    this.rebuildTrigger = deps.rebuild ?? inProcessTrigger(this.rebuilder, deps.space);
  }

  /** Rebuilds this process's worker ran (single-flight means one per loss across all workers). */
  get rehydrations(): number {
    return this.rebuilder.rebuilds;
  }

  async createShow(input: CreateShowInput): Promise<Show> {
    const parsed = CreateShowInput.safeParse(input);
    if (!parsed.success) throw new HotSeatError("invalid_request", parsed.error.issues[0]?.message ?? "invalid show");
    const show: Show = {
      id: newShowId(),
      ...parsed.data,
      status: "draft",
      createdAt: new Date().toISOString(),
    };
    await this.deps.db.entities.show.create({ ...show, showId: show.id }).go();
    this.listCache.clear();
    return show;
  }

  /** The show's settings from DynamoDB, bypassing the cache. */
  async loadShow(showId: string): Promise<Show> {
    const { data } = await this.deps.db.entities.show.get({ showId }).go();
    if (!data) throw new HotSeatError("show_not_found", `no show ${showId}`);
    const show = toShow(data);
    this.showCache.set(showId, show);
    if (show.status === "draft") this.draftSeen.set(showId, Date.now());
    return show;
  }

  /** Shows' settings never change once created (status aside), so a process keeps them. */
  async showSettings(showId: string): Promise<Show> {
    const cached = this.showCache.get(showId);
    if (cached) return cached;
    if (this.missCache.get(showId)) throw new HotSeatError("show_not_found", `no show ${showId}`);
    try {
      return await this.loadShow(showId);
    } catch (e) {
      if (e instanceof HotSeatError) this.missCache.set(showId, true);
      throw e;
    }
  }

  /**
   * Every show, shared by this process's callers for `listCacheMs` (the route's `max-age`): when a
   * sale opens, a crowd loading the list must not each query the one index partition that holds it.
   * Creating or preloading a show here drops the shared copy.
   */
  listShows(): Promise<ShowView[]> {
    return shared(this.listCache, "all", this.opts.listCacheMs, () => ({ at: Date.now(), value: this.readShows() }))
      .value;
  }

  /** The public list: shows on sale only. A draft is the promoter's until it is preloaded. */
  async listShowsOnSale(): Promise<ShowView[]> {
    return (await this.listShows()).filter((s) => s.status === "on_sale");
  }

  private async readShows(): Promise<ShowView[]> {
    const { data } = await this.deps.db.entities.show.query.all({}).go({ pages: "all" });
    const shows = data.map(toShow);
    const states = await Promise.all(shows.map((s) => this.deps.space.readShards(s.id, s.shards)));
    return shows.map((s, i) => this.view(s, states[i] ?? []));
  }

  /**
   * A show page: the settings this process keeps (they never change) and the space's live state.
   * The status only ever moves from draft to on sale, and preload writes it to DynamoDB before it
   * loads the space, so a show the space holds is on sale. Only a show still a draft everywhere is
   * read again from DynamoDB, at most once a second per process: a crowd waiting for the opening
   * (the page is loaded by everyone, at once) does not each read the show's one item.
   */
  async getShow(showId: string): Promise<ShowView> {
    let show = await this.showSettings(showId);
    const states = await this.deps.space.readShards(show.id, show.shards);
    if (show.status === "draft") {
      if (states.some((s) => s.exists)) show = { ...show, status: "on_sale" };
      else {
        const seen = this.draftSeen.get(show.id);
        if (!seen || Date.now() - seen >= 1000) show = await this.loadShow(show.id);
      }
    }
    return this.view(show, states);
  }

  /** Served from the space; concurrent and repeated reads within `availabilityCacheMs` share one read. */
  availability(showId: string): Promise<Availability> {
    return this.sharedAvailability(showId).value;
  }

  /** `availability` as JSON text, serialized once per shared read: what the API sends every poller. */
  availabilityJson(showId: string): Promise<string> {
    const read = this.sharedAvailability(showId);
    read.json ??= read.value.then((a) => {
      read.text = JSON.stringify(a);
      return read.text;
    });
    return read.json;
  }

  /**
   * The JSON text of a shared read that has already answered and is still fresh, without waiting;
   * undefined otherwise (then call `availabilityJson`). Only a read of a real show ever answers.
   */
  availabilityJsonReady(showId: string): string | undefined {
    const cached = this.availabilityCache.get(showId);
    if (cached?.text !== undefined && Date.now() - cached.at < this.opts.availabilityCacheMs) return cached.text;
    return undefined;
  }

  private sharedAvailability(showId: string): AvailabilityRead {
    return shared(this.availabilityCache, showId, this.opts.availabilityCacheMs, () => ({
      at: Date.now(),
      value: this.readAvailability(showId),
    }));
  }

  /**
   * The pollers' read is also what returns lapsed holds to sale within a second of their deadline
   * (one shared read per show per `availabilityCacheMs` per process), with no timer on the buyer's path.
   */
  private async readAvailability(showId: string): Promise<Availability> {
    const show = await this.showSettings(showId);
    const states = await this.readShardsReclaimed(show);
    const v = this.view(show, states);
    return {
      showId,
      remaining: v.remaining,
      held: v.held,
      soldOut: v.soldOut,
      onSale: states.some((s) => s.status === "on_sale"),
    };
  }

  /**
   * The show's shards, with any hold past its deadline returned to sale first. Most reads find none
   * (each shard reports its earliest deadline) and cost nothing more.
   */
  private async readShardsReclaimed(show: Pick<Show, "id" | "shards">): Promise<ShardState[]> {
    const states = await this.deps.space.readShards(show.id, show.shards);
    if (!states.some((s) => s.nextHoldDeadline !== null && s.nextHoldDeadline <= s.spaceNow)) return states;
    await this.reclaimHolds(show);
    return this.deps.space.readShards(show.id, show.shards);
  }

  /** Lapsed holds of every shard back to sale, and their expiry on its way to the writer. */
  async reclaimHolds(show: Pick<Show, "id" | "shards">): Promise<number> {
    const expired = (
      await Promise.all(Array.from({ length: show.shards }, (_, s) => this.deps.space.reclaimHolds(show.id, s)))
    ).flat();
    this.publishChanges(expired);
    return expired.length;
  }

  /**
   * Puts changed orders on the pump without waiting: each is pending in the space until the writer
   * confirms it, and the sweeper publishes it again if this publish fails.
   */
  publishChanges(records: OrderRecord[]): void {
    for (const r of records) void this.deps.publisher.publishOrder(r).catch(() => false);
  }

  private view(show: Show, states: ShardState[]): ShowView {
    const loaded = states.length > 0 && states.every((s) => s.exists);
    const remaining = loaded ? remainingOf(states) : show.status === "draft" ? show.capacity : 0;
    const held = loaded ? states.reduce((n, s) => n + s.held, 0) : 0;
    // Sold out only when nothing is left and nothing is held: a held ticket may come back.
    return { ...show, remaining, held, soldOut: loaded && remaining === 0 && held === 0 };
  }

  async purchase(req: PurchaseRequest): Promise<{ order: Order; created: boolean }> {
    const { customerId } = req;
    const { quantity } = "parsedBody" in req ? req.parsedBody : parsePurchase(req.body);
    const show = await this.showSettings(req.showId);
    const home = homeShard(customerId, show.shards);
    const now = Date.now();
    // A priced show's purchase holds its tickets while the buyer pays; a free one is confirmed at once. The take
    // stamps the deadline (and createdAt) from the space's clock, so a process's own clock moves no hold.
    const holdMs = show.priceCents > 0 ? show.holdSeconds * 1000 : 0;
    const order: Omit<OrderRecord, "soldAfter"> = {
      id: newOrderId(),
      showId: show.id,
      customerId,
      quantity,
      createdAt: new Date(now).toISOString(),
      idempotencyKey: req.idempotencyKey,
      shard: home,
      priceCents: show.priceCents,
      correlationId: req.correlationId,
      ...(req.traceId ? { traceId: req.traceId.slice(0, 256) } : {}),
      status: holdMs > 0 ? "held" : "confirmed",
      version: 1,
      ...(holdMs > 0 ? { holdExpiresAt: new Date(now + holdMs).toISOString() } : {}),
    };
    let recovered = false;
    for (let attempt = 0; attempt < 4 + show.shards; attempt++) {
      const r = await this.deps.space.takeTickets({
        showId: show.id,
        shard: home,
        customerId,
        idempotencyKey: req.idempotencyKey,
        fingerprint: fingerprintOf(quantity),
        order,
        holdMs,
      });
      this.publishChanges(r.expired);
      switch (r.outcome) {
        case "ok": {
          await this.opts.afterTake?.(r.record);
          // Acknowledged only once the pump holds the order (else 503, see `unpublished`).
          const [published] = await Promise.all([
            this.deps.publisher.publishOrder(r.record),
            this.deps.space.indexOrder(r.record, home),
          ]);
          if (!published || log.enabled("debug")) {
            const fields = {
              correlationId: req.correlationId,
              orderId: r.record.id,
              showId: show.id,
              customer: maskCustomer(customerId),
              quantity,
            };
            if (published) log.debug("order.accepted", fields);
            else log.warn("order.publish_deferred", fields);
          }
          if (!published) throw unpublished();
          return { order: toOrder(r.record, false), created: true };
        }
        case "replay":
          return { order: await this.replayed(r.record, r.pending), created: false };
        case "unreplicated":
          // Not on enough replicas to survive a failover, so not acknowledged nor published now. It stays pending
          // in the space: a retry with the same key finds it (and waits again); the sweeper publishes it meanwhile.
          throw new HotSeatError(
            "unavailable",
            "your order is not yet safe on the space's replicas: retry with the same Idempotency-Key",
          );
        case "reused":
          throw new HotSeatError(
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a different purchase",
          );
        case "not_on_sale":
          throw new HotSeatError("not_on_sale", "this show is not on sale");
        case "limit":
          throw new HotSeatError("limit_exceeded", `you may buy ${r.allowed} more ticket(s) for this show`, {
            remaining: r.allowed,
          });
        case "reclaiming":
          // More lapsed holds than one batch were returned to sale: look at the stock again.
          attempt--;
          break;
        case "regressed": // the shard lost acknowledged takes (a failover): it froze itself for the rebuild
        case "missing":
        case "rehydrating":
          if (recovered) throw new HotSeatError("rehydrating", "the show is being restored; retry in a moment");
          await this.recover(show);
          recovered = true;
          break;
        case "short": {
          // The home shard is short. Pull stock from the others only when the show as a whole
          // has enough, so a refusal never moves anything.
          // The take reclaimed lapsed holds on the home shard only: another shard's must not make this a sold out.
          const states = show.shards > 1 ? await this.readShardsReclaimed(show) : [];
          const remaining = show.shards > 1 ? remainingOf(states) : r.stock;
          if (remaining === 0) throw new HotSeatError("sold_out", "sold out", { remaining: 0 });
          if (remaining < quantity)
            throw new HotSeatError("insufficient_inventory", `only ${remaining} ticket(s) left`, { remaining });
          await this.borrow(show, home, quantity - r.stock, states);
          break;
        }
      }
    }
    throw new HotSeatError("rehydrating", "the show is busy rebalancing; retry in a moment");
  }

  /**
   * A replay of a purchase the space still has pending: it may be one that was answered 503 because
   * its publish failed, so it is published again before it is acknowledged.
   */
  private async replayed(record: OrderRecord, pending: boolean): Promise<Order> {
    if (pending && !(await this.deps.publisher.publishOrder(record))) throw unpublished();
    return toOrder(record, !pending);
  }

  /** Pulls stock to the buyer's home shard from the others that have some; returns how many tickets moved. */
  private async borrow(show: Show, home: number, need: number, states: ShardState[]): Promise<number> {
    const donors = states.filter((s) => s.shard !== home && s.stock > 0).map((s) => s.shard);
    const start = Math.floor(Math.random() * Math.max(1, donors.length));
    let moved = 0;
    for (let i = 0; i < donors.length && moved < need; i++) {
      const donor = donors[(start + i) % donors.length] as number;
      moved += await this.deps.space.moveStock(show.id, donor, home, need - moved);
    }
    return moved;
  }

  /**
   * The space lost the show (or a rebuild was interrupted): the rebuild worker is asked for it (once
   * per show however many ask), and the caller waits `rehydrationWaitMs` at most for the show to be
   * back on sale, then gets 503 `rehydrating` (with Retry-After) and polls. A worker that dies leaves
   * its lock to lapse within `rehydrationLockMs`; the next ask after that starts another.
   */
  private async recover(cached: Show): Promise<void> {
    const seen = this.draftSeen.get(cached.id);
    if (seen && Date.now() - seen < 1000) throw new HotSeatError("not_on_sale", "this show is not on sale");
    const show = await this.loadShow(cached.id);
    if (show.status !== "on_sale") throw new HotSeatError("not_on_sale", "this show is not on sale");
    // Archived out of the space because it is over: never rebuilt, so nothing to wait for.
    if (await this.deps.space.isArchived(show.id)) throw new HotSeatError("not_on_sale", "this show is over");
    const deadline = Date.now() + this.opts.rehydrationWaitMs;
    for (;;) {
      await this.requestRebuild(show.id);
      await sleep(50);
      const states = await this.deps.space.readShards(show.id, show.shards);
      if (states.every((s) => s.status === "on_sale")) return;
      if (Date.now() > deadline) throw new HotSeatError("rehydrating", "the show is being restored; retry in a moment");
      await sleep(100);
    }
  }

  /** Asks for the show's rebuild; a trigger that fails is only logged (the next caller or sweep asks again). */
  async requestRebuild(showId: string): Promise<void> {
    await this.rebuildTrigger
      .request(showId)
      .catch((e) => log.warn("rebuild.request_failed", { showId, error: String((e as Error)?.message ?? e) }));
  }

  /** The show's rebuild lock, waiting `rehydrationWaitMs` for it at most (then 503 rehydrating). */
  private async lockShow(showId: string): Promise<string> {
    const deadline = Date.now() + this.opts.rehydrationWaitMs;
    for (;;) {
      const token = await this.deps.space.acquireRehydrationLock(showId, this.opts.rehydrationLockMs);
      if (token) return token;
      if (Date.now() > deadline) throw new HotSeatError("rehydrating", "the show is being restored; retry in a moment");
      await sleep(50);
    }
  }

  /**
   * The buyer's own order: from the space while it still holds it (no database read), else from
   * DynamoDB. Another buyer's order is "not found", exactly as one that does not exist.
   */
  async getOrder(orderId: string, customerId: string): Promise<Order> {
    const order = await this.findOrder(orderId);
    if (!order || order.customerId !== customerId) throw new HotSeatError("order_not_found", `no order ${orderId}`);
    return order;
  }

  /**
   * An order as the space holds it, for changing it: found by the space's index, or, when the space
   * lost that index (a rebuild restores shards, not every order's index), where DynamoDB says it is.
   */
  async orderInSpace(orderId: string): Promise<OrderRecord | null> {
    let found = await this.lookupOrder(orderId);
    if (found && !found.inSpace) {
      // DynamoDB has the order but the space lost its show: rebuild it (single-flight; others get 503
      // rehydrating) rather than answer "no such order" to a payment or a cancel.
      await this.recover(await this.showSettings(found.record.showId));
      found = await this.lookupOrder(orderId);
      if (found && !found.inSpace)
        throw new HotSeatError("rehydrating", "the show is being restored; retry in a moment");
    }
    return found?.record ?? null;
  }

  private async findOrder(orderId: string): Promise<Order | null> {
    const found = await this.lookupOrder(orderId);
    return found ? toOrder(found.record, found.persisted) : null;
  }

  /** The space's copy while it has one (re-indexed if a rebuild dropped the index), else DynamoDB's. */
  private async lookupOrder(orderId: string) {
    const indexed = await this.deps.space.findOrder(orderId);
    if (indexed) return { record: indexed.record, persisted: !indexed.pending, inSpace: true };
    const [{ data }, statuses] = await Promise.all([
      this.deps.db.entities.order.get({ orderId }).go(),
      this.deps.db.entities.orderStatus.query.primary({ orderId }).go({ pages: "all" }),
    ]);
    if (!data) return null;
    const found = await this.deps.space.findOrder(orderId, { showId: data.showId, shard: data.shard });
    if (found) {
      await this.deps.space.indexOrder(found.record, found.record.shard);
      return { record: found.record, persisted: !found.pending, inSpace: true };
    }
    return { record: fromOrderItem(data, statuses.data), persisted: true, inSpace: false };
  }

  /**
   * The buyer's orders, newest first: DynamoDB's index by customer, plus the ones the space took in
   * the last day that the index may not show yet (the pump and the index both lag a little).
   */
  async customerOrders(customerId: string, limit = 100): Promise<Order[]> {
    const [items, statuses, recentIds] = await Promise.all([
      this.deps.db.entities.order.query.byCustomer({ customerId }).go({ order: "desc", limit, pages: "all" }),
      this.deps.db.entities.orderStatus.query.byCustomer({ customerId }).go({ pages: "all" }),
      this.deps.space.recentOrderIds(customerId),
    ]);
    const persisted = foldOrders(items.data, statuses.data).map((r) => toOrder(r, true));
    const byId = new Map(persisted.map((o) => [o.id, o]));
    // The space's copy is the current one: it may be ahead of what the writer has stored yet.
    const recent = await Promise.all(recentIds.map((id) => this.deps.space.findOrder(id)));
    for (const found of recent)
      if (found && found.record.customerId === customerId)
        byId.set(found.record.id, toOrder(found.record, !found.pending));
    return [...byId.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, limit);
  }

  /** Loads the show's inventory into the space and puts it on sale. Safe to repeat. */
  async preload(showId: string): Promise<{ showId: string; remaining: number }> {
    try {
      return await this.loadInventory(showId);
    } finally {
      this.listCache.clear(); // the list shows the new status and count at once, here
    }
  }

  private async loadInventory(showId: string): Promise<{ showId: string; remaining: number }> {
    let show = await this.loadShow(showId);
    const states = await this.deps.space.readShards(show.id, show.shards);
    if (states.every((s) => s.exists)) {
      await this.deps.space.markOnSale(show.id);
      return { showId, remaining: remainingOf(states) };
    }
    if (show.status === "on_sale") {
      // It was on sale before: orders may exist, so the space is rebuilt from them.
      await this.recover(show);
    } else {
      // Flip the status first: if we crash before the space is loaded, recovery rebuilds from
      // the (empty) order history instead of a second fresh load overselling.
      await this.deps.db.entities.show.patch({ showId }).set({ status: "on_sale" }).go();
      this.draftSeen.delete(showId);
      show = { ...show, status: "on_sale" };
      this.showCache.set(showId, show);
      // Loaded under the rebuild's lock: a buyer elsewhere who saw "on sale" and no shard may be
      // rebuilding already, and a rebuild running beside this load would later replace what sold.
      const token = await this.lockShow(show.id);
      try {
        const stock = splitCapacity(show.capacity, show.shards);
        await Promise.all(stock.map((n, s) => this.deps.space.loadShard(show.id, s, n, show.maxPerCustomer)));
        await this.deps.space.markOnSale(show.id);
      } finally {
        await this.deps.space.releaseRehydrationLock(show.id, token);
      }
    }
    return { showId, remaining: remainingOf(await this.deps.space.readShards(show.id, show.shards)) };
  }

  async stats(showId: string): Promise<ShowStats> {
    const show = await this.loadShow(showId);
    const now = Date.now();
    const [states, projections, buckets, space] = await Promise.all([
      this.deps.space.readShards(show.id, show.shards),
      this.deps.db.entities.shardProjection.query.primary({ showId }).go({ pages: "all" }),
      this.deps.space.salesTimeline(show.id, show.shards, now - 5 * 60_000 + TIMELINE_BUCKET_MS, now),
      this.deps.space.memory(),
    ]);
    const total = (field: "sold" | "held" | "expired" | "cancelled" | "refunded" | "pendingTickets") =>
      states.reduce((n, s) => n + s[field], 0);
    const taken = total("sold");
    const pending = total("pendingTickets");
    const returned = total("expired") + total("cancelled") + total("refunded");
    const oldest = states.reduce<number | null>(
      (min, s) =>
        s.oldestPendingAt === null ? min : min === null ? s.oldestPendingAt : Math.min(min, s.oldestPendingAt),
      null,
    );
    return {
      showId,
      status: show.status,
      capacity: show.capacity,
      remaining: this.view(show, states).remaining,
      sold: taken - returned,
      held: total("held"),
      confirmed: taken - returned - total("held"),
      expired: total("expired"),
      cancelled: total("cancelled"),
      refunded: total("refunded"),
      taken,
      persisted: taken - pending,
      pending,
      pendingOrders: states.reduce((sum, s) => sum + s.pendingOrders, 0),
      oldestPendingMs: oldest === null ? null : Math.max(0, Date.now() - oldest),
      projectedSold: projections.data.reduce((sum, p) => sum + p.soldAfter, 0),
      shards: show.shards,
      at: new Date(now).toISOString(),
      timeline: { bucketMs: TIMELINE_BUCKET_MS, buckets },
      space,
    };
  }

  /**
   * The reconciler: re-publishes orders taken but still unconfirmed after `staleAfterMs` (the API
   * died between take and publish, or the pump was down) — the whole backlog, at the pump's pace,
   * within `sweepBudgetMs` (see `republishBacklog`) — settles loans a crashed buyer left between
   * shards, returns lapsed holds no reader has seen to sale, and asks for the rebuild of shows the
   * space has lost (`rehydrated` counts those asks). `left` is the stale backlog it did not reach.
   */
  async sweep(): Promise<{
    republished: number;
    settled: number;
    rehydrated: number;
    failed: number;
    expired: number;
    left: number;
  }> {
    const started = Date.now();
    const result = { republished: 0, settled: 0, rehydrated: 0, failed: 0, expired: 0, left: 0 };
    const backlog: { showId: string; shard: number }[] = [];
    for (const showId of await this.deps.space.showsOnSale()) {
      const show = await this.showSettings(showId).catch(() => null);
      if (!show) continue;
      const states = await this.deps.space.readShards(show.id, show.shards);
      const frozen = states.some((s) => s.status === "frozen");
      if (states.some((s) => !s.exists) || (frozen && !(await this.deps.space.isRehydrating(show.id)))) {
        await this.requestRebuild(show.id);
        result.rehydrated++;
        continue;
      }
      result.expired += await this.reclaimHolds(show);
      for (const s of states) {
        result.settled += await this.deps.space.settleLoans(show.id, s.shard, this.opts.loanStaleAfterMs);
        backlog.push({ showId: show.id, shard: s.shard });
      }
    }
    const republished = await republishBacklog(this.deps.space, this.deps.publisher, backlog, {
      staleAfterMs: this.opts.staleAfterMs,
      budgetMs: Math.max(0, this.opts.sweepBudgetMs - (Date.now() - started)),
    });
    result.republished += republished.republished;
    result.failed += republished.failed;
    result.left += republished.left;
    return result;
  }
}
