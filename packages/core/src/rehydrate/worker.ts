import { HotSeatError } from "../error/index.ts";
import { log } from "../log/index.ts";
import type { OrderPump } from "../pump/index.ts";
import type { Show } from "../show/index.ts";
import type { Space } from "../space/index.ts";
import { type RebuildOrders, type RehydrationDeps, rehydrateShow } from "./index.ts";

/** Asks for a show's rebuild without waiting for it: the API and the sweeper call this, never rebuild themselves. */
export interface RebuildTrigger {
  request(showId: string): Promise<void>;
}

export interface RebuildWorkerOptions {
  /**
   * The rebuild lock's lifetime. The worker renews it (compare-and-extend) every `lockMs / 4` while
   * it works, so a killed worker's lock lapses within this and the next trigger takes over.
   */
  lockMs?: number;
  /** How long the worker waits for the writer to reach its barrier on every pump shard. */
  barrierTimeoutMs?: number;
}

export interface RebuildDeps {
  /** The show's persisted orders and the barriers the writer reached. */
  orders: RebuildOrders;
  shows: RehydrationDeps["shows"];
  /** The lock and the reads the worker needs, and whatever the rebuild itself (`rehydrateShow`) asks of the space. */
  space: Space & RehydrationDeps["space"];
  publisher: OrderPump & RehydrationDeps["publisher"];
  /** The show's settings as DynamoDB holds them now (its status may have changed). */
  loadShow(showId: string): Promise<Show>;
}

export type RebuildOutcome =
  | { outcome: "rebuilt"; remaining: number; orders: number; tookMs: number }
  | { outcome: "busy" | "on_sale" | "not_on_sale" };

/**
 * Rebuilds shows the space lost, one worker per show at a time. It runs with its own time budget
 * (a Lambda of its own on AWS, invoked asynchronously), never inside a buyer's request: buyers see
 * `503 rehydrating` and poll.
 */
export class RebuildWorker {
  /** Rebuilds this worker completed. */
  rebuilds = 0;
  private readonly lockMs: number;

  constructor(
    private readonly deps: RebuildDeps,
    private readonly options: RebuildWorkerOptions = {},
  ) {
    this.lockMs = options.lockMs ?? 10_000;
  }

  /** Rebuilds the show unless it is on sale already, not on sale at all, or another worker holds its lock. */
  async run(showId: string, o: { barrierTimeoutMs?: number } = {}): Promise<RebuildOutcome> {
    const { space } = this.deps;
    const show = await this.deps.loadShow(showId);
    if (show.status !== "on_sale") return { outcome: "not_on_sale" };
    const token = await space.acquireRehydrationLock(show.id, this.lockMs);
    if (!token) return { outcome: "busy" };
    let lost = false;
    const renew = setInterval(
      () => {
        space.extendRehydrationLock(show.id, token, this.lockMs).then(
          (ok) => {
            if (!ok) lost = true;
          },
          () => {}, // a failed renewal is retried at the next tick; the fence decides
        );
      },
      Math.max(50, Math.floor(this.lockMs / 4)),
    );
    const fence = async () => {
      if (lost || !(await space.holdsRehydrationLock(show.id, token))) {
        lost = true;
        throw new HotSeatError("rehydrating", "this worker lost the show's rebuild lock to another");
      }
    };
    const started = Date.now();
    try {
      // Whoever held the lock before may have loaded the show meanwhile (a preload does so under it):
      // then there is nothing to rebuild, and rebuilding would replace what was sold since.
      const states = await space.readShards(show.id, show.shards);
      if (states.every((s) => s.status === "on_sale")) return { outcome: "on_sale" };
      log.warn("space.rehydrating", { showId: show.id });
      const result = await rehydrateShow(
        {
          orders: this.deps.orders,
          shows: this.deps.shows,
          space,
          publisher: this.deps.publisher,
          barrierTimeoutMs: o.barrierTimeoutMs ?? this.options.barrierTimeoutMs,
          fence,
        },
        show,
      );
      this.rebuilds++;
      const tookMs = Date.now() - started;
      log.warn("space.rehydrated", { showId: show.id, ...result, tookMs });
      return { outcome: "rebuilt", ...result, tookMs };
    } finally {
      clearInterval(renew);
      if (!lost) await space.releaseRehydrationLock(show.id, token).catch(() => {});
    }
  }
}

/**
 * A trigger that asks at most once per `everyMs` per show (across every process: the mark is in the
 * space), however many buyers find the show lost. A request that finds the lock held does nothing
 * in the worker; one made after a worker died (its lock lapsed) starts the next.
 */
export function throttledTrigger(space: Space, everyMs: number, invoke: (showId: string) => Promise<void>) {
  return {
    async request(showId: string) {
      if (await space.firstRebuildRequest(showId, everyMs)) await invoke(showId);
    },
  } satisfies RebuildTrigger;
}

/** The local stack's trigger: the same worker, run in this process beside the requests, never inside one. */
export function inProcessTrigger(worker: RebuildWorker, space: Space, everyMs = 500): RebuildTrigger {
  const running = new Set<string>();
  return throttledTrigger(space, everyMs, async (showId) => {
    if (running.has(showId)) return;
    running.add(showId);
    void worker
      .run(showId)
      .catch((e) => log.warn("rebuild.failed", { showId, error: String((e as Error)?.message ?? e) }))
      .finally(() => running.delete(showId));
  });
}
