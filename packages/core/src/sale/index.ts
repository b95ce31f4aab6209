import type { Order, OrderRecord } from "../order/index.ts";
import { inProcessTrigger, type RebuildDeps, type RebuildTrigger, RebuildWorker } from "../rehydrate/worker.ts";
import type { Availability, CreateShowInput, Show } from "../show/index.ts";
import { type AvailabilityDeps, publishChanges, ShowAvailability } from "./availability.ts";
import { Catalogue, type CatalogueDeps } from "./catalogue.ts";
import { OrderLookup, type OrderLookupDeps } from "./orders.ts";
import type { OrderStore, ShowStore } from "./ports.ts";
import { type PreloadDeps, preloadShow } from "./preload.ts";
import { type PurchaseDeps, type PurchaseRequest, Purchases } from "./purchase.ts";
import { Recovery, type RecoveryDeps } from "./recovery.ts";
import { type ShowStats, type StatsDeps, showStats } from "./stats.ts";
import { type SweepDeps, type SweepResult, sweep } from "./sweep.ts";
import type { ShowView } from "./view.ts";

export type { OrderStore, ShowStore } from "./ports.ts";
export { ParsedPurchaseBody, type PurchaseRequest } from "./purchase.ts";
export type { ShowStats } from "./stats.ts";
export type { SweepResult } from "./sweep.ts";
export type { ShowView } from "./view.ts";

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

/** Everything the sale's modules use of the space, and what its rebuild worker does. */
export type SaleSpace = CatalogueDeps["space"] &
  AvailabilityDeps["space"] &
  RecoveryDeps["space"] &
  PurchaseDeps["space"] &
  OrderLookupDeps["space"] &
  PreloadDeps["space"] &
  StatsDeps["space"] &
  SweepDeps["space"] &
  RebuildDeps["space"];

export interface SaleDeps {
  shows: ShowStore;
  orders: OrderStore;
  space: SaleSpace;
  publisher: PurchaseDeps["publisher"] & RebuildDeps["publisher"];
  options?: SaleOptions;
  /** Where a lost show's rebuild is asked for (a Lambda on AWS); else this process's own worker, in the background. */
  rebuild?: RebuildTrigger;
}

/**
 * The sale: shows, purchases and their recovery, one module each (beside this file); this class
 * only builds them from the stores, the space and the pump, and answers for them. Purchases touch
 * only the space and the pump; the show store is read once per show per process (its immutable
 * settings) and on recovery.
 */
export class Sales {
  /** This process's rebuild worker: the local stack's, and the rebuild Lambda's. */
  readonly rebuilder: RebuildWorker;
  private readonly catalogue: Catalogue;
  private readonly availabilityReads: ShowAvailability;
  private readonly recovery: Recovery;
  private readonly purchases: Purchases;
  private readonly orders: OrderLookup;
  private readonly opts: Required<Omit<SaleOptions, "afterTake">> & Pick<SaleOptions, "afterTake">;

  constructor(private readonly deps: SaleDeps) {
    const opts = {
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
    this.opts = opts;
    const { space, publisher } = deps;
    const catalogue = new Catalogue({ shows: deps.shows, space, listCacheMs: opts.listCacheMs });
    this.catalogue = catalogue;
    this.rebuilder = new RebuildWorker(
      { orders: deps.orders, shows: deps.shows, space, publisher, loadShow: (id) => catalogue.loadShow(id) },
      { lockMs: opts.rehydrationLockMs, barrierTimeoutMs: opts.barrierTimeoutMs },
    );
    const availability = new ShowAvailability({
      catalogue,
      space,
      publisher,
      availabilityCacheMs: opts.availabilityCacheMs,
    });
    this.availabilityReads = availability;
    const recovery = new Recovery({
      catalogue,
      space,
      rebuild: deps.rebuild ?? inProcessTrigger(this.rebuilder, space),
      rehydrationWaitMs: opts.rehydrationWaitMs,
      rehydrationLockMs: opts.rehydrationLockMs,
    });
    this.recovery = recovery;
    this.purchases = new Purchases({ catalogue, availability, recovery, space, publisher, afterTake: opts.afterTake });
    this.orders = new OrderLookup({ orders: deps.orders, space, catalogue, recovery });
  }

  /** Rebuilds this process's worker ran (single-flight means one per loss across all workers). */
  get rehydrations(): number {
    return this.rebuilder.rebuilds;
  }

  createShow(input: CreateShowInput): Promise<Show> {
    return this.catalogue.createShow(input);
  }

  /** The show's settings from the show store, bypassing the cache. */
  loadShow(showId: string): Promise<Show> {
    return this.catalogue.loadShow(showId);
  }

  /** Shows' settings never change once created (status aside), so a process keeps them. */
  showSettings(showId: string): Promise<Show> {
    return this.catalogue.showSettings(showId);
  }

  /** Every show, drafts included, shared by this process's callers for `listCacheMs`. */
  listShows(): Promise<ShowView[]> {
    return this.catalogue.listShows();
  }

  /** The public list: shows on sale only. */
  listShowsOnSale(): Promise<ShowView[]> {
    return this.catalogue.listShowsOnSale();
  }

  /** A show page: its settings and the space's live state. */
  getShow(showId: string): Promise<ShowView> {
    return this.catalogue.getShow(showId);
  }

  /** Served from the space; concurrent and repeated reads within `availabilityCacheMs` share one read. */
  availability(showId: string): Promise<Availability> {
    return this.availabilityReads.availability(showId);
  }

  /** `availability` as JSON text, serialized once per shared read: what the API sends every poller. */
  availabilityJson(showId: string): Promise<string> {
    return this.availabilityReads.availabilityJson(showId);
  }

  /** The JSON text of a fresh shared read that has answered, without waiting; else undefined. */
  availabilityJsonReady(showId: string): string | undefined {
    return this.availabilityReads.availabilityJsonReady(showId);
  }

  /** Lapsed holds of every shard back to sale, and their expiry on its way to the writer. */
  reclaimHolds(show: Pick<Show, "id" | "shards">): Promise<number> {
    return this.availabilityReads.reclaimHolds(show);
  }

  /** Puts changed orders on the pump without waiting (the sweeper publishes again what fails). */
  publishChanges(records: OrderRecord[]): Promise<number> {
    return publishChanges(this.deps.publisher, this.deps.space, records);
  }

  purchase(req: PurchaseRequest): Promise<{ order: Order; created: boolean }> {
    return this.purchases.purchase(req);
  }

  /** Asks for the show's rebuild; a trigger that fails is only logged (the next caller or sweep asks again). */
  requestRebuild(showId: string): Promise<void> {
    return this.recovery.requestRebuild(showId);
  }

  /** The buyer's own order; another buyer's is "not found", exactly as one that does not exist. */
  getOrder(orderId: string, customerId: string): Promise<Order> {
    return this.orders.getOrder(orderId, customerId);
  }

  /** An order as the space holds it, for changing it (a lost show is rebuilt first). */
  orderInSpace(orderId: string): Promise<OrderRecord | null> {
    return this.orders.orderInSpace(orderId);
  }

  /** The buyer's orders, newest first: the order store's and the ones the space took that it may not show yet. */
  customerOrders(customerId: string, limit = 100): Promise<Order[]> {
    return this.orders.customerOrders(customerId, limit);
  }

  /** Loads the show's inventory into the space and puts it on sale. Safe to repeat. */
  preload(showId: string): Promise<{ showId: string; remaining: number }> {
    return preloadShow(
      { catalogue: this.catalogue, recovery: this.recovery, space: this.deps.space, shows: this.deps.shows },
      showId,
    );
  }

  stats(showId: string): Promise<ShowStats> {
    return showStats({ catalogue: this.catalogue, space: this.deps.space, orders: this.deps.orders }, showId);
  }

  /** The reconciler's run (see `sweep`); `rehydrated` counts the rebuilds it asked for. */
  sweep(): Promise<SweepResult> {
    return sweep(
      {
        space: this.deps.space,
        publisher: this.deps.publisher,
        catalogue: this.catalogue,
        availability: this.availabilityReads,
        recovery: this.recovery,
      },
      this.opts,
    );
  }
}
