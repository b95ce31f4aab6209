import { log } from "../log/index.ts";
import type { OrderRecord } from "../order/index.ts";
import type { PumpPublisher } from "../pump/index.ts";
import type { Space } from "../space/index.ts";
import { creditPublished, type ShowAvailability } from "./availability.ts";
import type { Catalogue } from "./catalogue.ts";
import type { Recovery } from "./recovery.ts";

type BacklogSpace = Pick<Space, "pendingPage" | "countPending" | "replicated" | "creditReleased">;
type Publisher = Pick<PumpPublisher, "publishOrder">;

export interface SweepDeps {
  space: Pick<Space, "showsOnSale" | "readShards" | "isRehydrating" | "settleLoans"> & BacklogSpace;
  publisher: Publisher;
  catalogue: Pick<Catalogue, "showSettings">;
  availability: Pick<ShowAvailability, "reclaimHolds">;
  recovery: Pick<Recovery, "requestRebuild">;
}

export interface SweepOptions {
  /** A pending order older than this is re-published. */
  staleAfterMs: number;
  /** How long one sweep may spend re-publishing a backlog (the sweeper Lambda's timeout, less a margin). */
  sweepBudgetMs: number;
  /** A loan between shards older than this is settled. */
  loanStaleAfterMs: number;
}

export interface SweepResult {
  republished: number;
  settled: number;
  /** Rebuilds asked for, of shows the space has lost. */
  rehydrated: number;
  failed: number;
  expired: number;
  /** The stale backlog this sweep did not reach: the next one's. */
  left: number;
}

/**
 * The reconciler: re-publishes orders taken but still unconfirmed after `staleAfterMs` (the API
 * died between take and publish, or the pump was down) — the whole backlog, at the pump's pace,
 * within `sweepBudgetMs` (see `republishBacklog`) — settles loans a crashed buyer left between
 * shards, returns lapsed holds no reader has seen to sale, and asks for the rebuild of shows the
 * space has lost.
 */
export async function sweep(deps: SweepDeps, o: SweepOptions): Promise<SweepResult> {
  const { space } = deps;
  const started = Date.now();
  const result: SweepResult = { republished: 0, settled: 0, rehydrated: 0, failed: 0, expired: 0, left: 0 };
  const backlog: { showId: string; shard: number }[] = [];
  for (const showId of await space.showsOnSale()) {
    const show = await deps.catalogue.showSettings(showId).catch(() => null);
    if (!show) continue;
    const states = await space.readShards(show.id, show.shards);
    const frozen = states.some((s) => s.status === "frozen");
    if (states.some((s) => !s.exists) || (frozen && !(await space.isRehydrating(show.id)))) {
      await deps.recovery.requestRebuild(show.id);
      result.rehydrated++;
      continue;
    }
    result.expired += await deps.availability.reclaimHolds(show);
    for (const s of states) {
      result.settled += await space.settleLoans(show.id, s.shard, o.loanStaleAfterMs);
      backlog.push({ showId: show.id, shard: s.shard });
    }
  }
  const republished = await republishBacklog(space, deps.publisher, backlog, {
    staleAfterMs: o.staleAfterMs,
    budgetMs: Math.max(0, o.sweepBudgetMs - (Date.now() - started)),
  });
  result.republished += republished.republished;
  result.failed += republished.failed;
  result.left += republished.left;
  return result;
}

export interface BacklogOptions {
  /** A pending order older than this is re-published. */
  staleAfterMs: number;
  /** The run's time budget (the sweeper Lambda's timeout, less a margin). */
  budgetMs: number;
  /** Orders read and published per shard per round. */
  pageSize?: number;
  now?: () => number;
}

export interface BacklogResult {
  republished: number;
  failed: number;
  /**
   * Stale orders this run did not reach (its budget ran out, the pump refused a whole page, or the shard's replicas
   * did not hold them yet): the next run's.
   */
  left: number;
  pages: number;
}

interface Cursor {
  showId: string;
  shard: number;
  /** The last score read, and how many members at that score were read (ties are common at one ms). */
  score: number;
  skip: number;
  done: boolean;
  /** Left because the shard's replicas were behind. */
  unreplicated?: boolean;
}

/**
 * Re-publishes every stale pending order of the given shards, page by page, until none is left or
 * the budget runs out. Each round reads one page from every shard that has more (so one hot shard
 * cannot starve the others) and waits for its publishes: the sweep goes at the pump's pace, in
 * batched PutRecords (the publisher packs concurrent orders). A cursor by score pages past orders
 * that stay pending however often they are published (a record the writer keeps failing), so they
 * never hold back the rest. A round whose every publish failed stops the run: the pump is down.
 */
export async function republishBacklog(
  space: BacklogSpace,
  publisher: Publisher,
  shards: { showId: string; shard: number }[],
  o: BacklogOptions,
): Promise<BacklogResult> {
  const now = o.now ?? Date.now;
  const deadline = now() + o.budgetMs;
  const before = now() - o.staleAfterMs;
  const pageSize = o.pageSize ?? 500;
  const cursors: Cursor[] = shards.map((s) => ({ ...s, score: Number.NEGATIVE_INFINITY, skip: 0, done: false }));
  const result: BacklogResult = { republished: 0, failed: 0, left: 0, pages: 0 };
  let pumpDown = false;
  while (!pumpDown && now() < deadline && cursors.some((c) => !c.done)) {
    const pages = await Promise.all(cursors.filter((c) => !c.done).map((c) => readPage(space, c, before, pageSize)));
    const orders = pages.flat();
    result.pages += pages.length;
    if (orders.length === 0) continue;
    const published = await Promise.all(orders.map((r) => publisher.publishOrder(r)));
    await creditPublished(space, orders, published);
    const ok = published.filter(Boolean).length;
    result.republished += ok;
    result.failed += published.length - ok;
    if (ok === 0) pumpDown = true;
  }
  for (const c of cursors) if (!c.done || c.unreplicated) result.left += await countLeft(space, c, before);
  if (result.left > 0 || result.failed > 0)
    log.warn("sweeper.backlog_left", {
      left: result.left,
      failed: result.failed,
      republished: result.republished,
      reason: pumpDown ? "pump_unavailable" : cursors.some((c) => c.unreplicated) ? "replicas_behind" : "budget",
    });
  return result;
}

/**
 * The next page of a shard's stale pending orders, moving its cursor past them. A page the shard's replicas do not
 * hold yet (with SPACE_REPLICA_ACKS; its takes were answered 503 for that reason) is left for a later run, the cursor
 * where it was: published now, and the primary lost, DynamoDB would hold orders the promoted replica never had, so
 * the space would sell their tickets again and a buyer's retry with the same key would make a second order.
 */
async function readPage(space: BacklogSpace, c: Cursor, before: number, pageSize: number): Promise<OrderRecord[]> {
  const page = await space.pendingPage(c.showId, c.shard, { score: c.score, skip: c.skip }, before, pageSize);
  if (page.orders.length > 0 && !(await space.replicated(c.showId, c.shard))) {
    c.done = true;
    c.unreplicated = true;
    return [];
  }
  for (const { at } of page.entries) {
    if (at === c.score) c.skip++;
    else {
      c.score = at;
      c.skip = 1;
    }
  }
  if (page.entries.length < pageSize) c.done = true;
  return page.orders;
}

/** How many stale pending orders lie past the cursor. */
const countLeft = (space: BacklogSpace, c: Cursor, before: number): Promise<number> =>
  space.countPending(c.showId, c.shard, { score: c.score, skip: c.skip }, before);
