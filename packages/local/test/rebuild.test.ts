import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestPayments } from "@hotseat/core/checkout";
import { persistedOrders } from "@hotseat/core/db";
import { newOrderId } from "@hotseat/core/order";
import { fingerprintOf } from "@hotseat/core/space";
import { createRuntime } from "@hotseat/functions/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateIndexLag } from "../src/index-lag.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

const LOCK_MS = 1500;
const WAIT_MS = 500;
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({
    sale: { staleAfterMs: 300, rehydrationWaitMs: WAIT_MS, rehydrationLockMs: LOCK_MS },
    poller: { batchingWindowMs: 20, maxRetries: 2 },
    publisher: { budgetMs: 300 },
  });
});
afterAll(async () => {
  await t?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Buys until the answer is not `503 rehydrating` (a buyer polling while the show is rebuilt). */
async function buyPolling(showId: string, customerId: string, quantity: number, key: string) {
  for (let i = 0; i < 100; i++) {
    const res = await t.buy(showId, customerId, quantity, key);
    if (res.status !== 503) return res;
    await sleep(100);
  }
  throw new Error("still rehydrating after 10 s");
}

describe("the rebuild counts from strongly consistent reads of the table", () => {
  it("counts every persisted order although the indexes have not caught up (index lag simulated)", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    // Every index read misses the rows written in the last minute: all of this show's orders.
    const lag = simulateIndexLag(t.stack.runtime.dynamo, 60_000);
    try {
      for (const c of ["lag1", "lag2", "lag3"]) expect((await t.buy(show.id, c, 2, `lag-key-${c}`)).status).toBe(201);
      await t.stack.drain();
      const byIndex = await t.stack.runtime.db.entities.order.query.byCustomer({ customerId: "lag1" }).go();
      expect(byIndex.data).toEqual([]); // the simulation is on: an index read sees nothing yet
      const hiddenBefore = lag.hidden;
      expect(hiddenBefore).toBeGreaterThan(0);

      await t.stack.runtime.redis.flushall(); // the space loses the show
      const res = await buyPolling(show.id, "lag4", 2, "lag-key-lag4");
      expect(res.status).toBe(201);
      // 6 sold before the loss, 2 now: 2 left, not the 8 a count that missed the lagging rows would reopen.
      expect((await t.request("GET", `/shows/${show.id}/availability`)).body.remaining).toBe(2);
      const replay = await t.buy(show.id, "lag1", 2, "lag-key-lag1");
      expect(replay.status).toBe(200);
      expect(lag.hidden).toBe(hiddenBefore); // the rebuild itself made no index read
    } finally {
      lag.remove();
    }
    await t.stack.drain();
    const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
    expect(stats).toMatchObject({ sold: 8, remaining: 2, pending: 0 });
  });
});

describe("rebuilds belong to a worker with its own time budget", () => {
  it("a killed worker's lock lapses within seconds and the next one completes; buyers get 503 + Retry-After meanwhile", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    expect((await t.buy(show.id, "kw1", 3, "killed-worker-key-1")).status).toBe(201);
    await t.stack.drain();
    await t.stack.runtime.redis.flushall(); // the space loses the show

    const { space } = t.stack.runtime;
    const rebuildsBefore = t.stack.runtime.sales.rehydrations;
    const fixture = fileURLToPath(new URL("./fixtures/rebuild-worker.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", fixture, show.id, String(LOCK_MS)], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, ...t.stack.env, HOTSEAT_LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_, signal) => r(signal)));
    try {
      // The worker took the lock and froze what it rebuilds; it now waits out its (long) grace period.
      for (let i = 0; !(await space.isRehydrating(show.id)); i++) {
        if (i > 200) throw new Error(`the worker never took the lock: ${output}`);
        await sleep(50);
      }
      // It renews its lock while it works: well past the lock's lifetime, the lock is still held.
      await sleep(LOCK_MS * 2);
      expect(await space.isRehydrating(show.id)).toBe(true);

      // A buyer is answered quickly, with 503 rehydrating and Retry-After; the buyer's request never rebuilds.
      const started = Date.now();
      const busy = await t.buy(show.id, "kw2", 2, "killed-worker-key-2");
      expect(Date.now() - started).toBeLessThan(WAIT_MS + 1000);
      expect(busy.status).toBe(503);
      expect(busy.body.code).toBe("rehydrating");
      expect(busy.headers.get("retry-after")).toBe("1");
      expect(t.stack.runtime.sales.rehydrations).toBe(rebuildsBefore);
    } finally {
      child.kill("SIGKILL");
    }
    expect(await exited).toBe("SIGKILL");

    // The dead worker's lock lapses; the next ask (the buyer polling) starts this stack's worker, which completes.
    const killedAt = Date.now();
    const res = await buyPolling(show.id, "kw2", 2, "killed-worker-key-2");
    expect(res.status).toBe(201);
    expect(Date.now() - killedAt).toBeLessThan(LOCK_MS + 5000);
    expect(t.stack.runtime.sales.rehydrations).toBe(rebuildsBefore + 1);
    expect((await t.request("GET", `/shows/${show.id}/availability`)).body.remaining).toBe(5);
    expect((await t.buy(show.id, "kw1", 3, "killed-worker-key-1")).status).toBe(200);
    await t.stack.drain();
    const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
    expect(stats).toMatchObject({ sold: 5, remaining: 5, pending: 0 });
  });
});

describe("the sweeper drains a backlog after a pump outage", () => {
  it("re-publishes thousands of stale orders in one run, pages past ones that stay pending, and reports what it left", async () => {
    const shards = 2;
    const perShard = 1200;
    const show = await t.createShow({ capacity: shards * perShard, maxPerCustomer: 1, shards });
    await t.preload(show.id);
    const { space } = t.stack.runtime;
    // The writer is down too: what the sweeper publishes stays pending, as orders that keep failing would.
    await t.stack.poller?.stop();
    // The pump was down while these were sold: taken in the space (the real take), never published.
    const take = (i: number) => {
      const shard = i % shards;
      const now = Date.now();
      return space.takeTickets({
        showId: show.id,
        shard,
        customerId: `backlog${i}`,
        idempotencyKey: `backlog-key-${i}`,
        fingerprint: fingerprintOf(1),
        order: {
          id: newOrderId(),
          showId: show.id,
          customerId: `backlog${i}`,
          quantity: 1,
          createdAt: new Date(now).toISOString(),
          idempotencyKey: `backlog-key-${i}`,
          shard,
          priceCents: 0,
          status: "confirmed",
          version: 1,
        },
        holdMs: 0,
      });
    };
    const total = shards * perShard;
    for (let i = 0; i < total; i += 200)
      await Promise.all(Array.from({ length: Math.min(200, total - i) }, (_, j) => take(i + j)));
    await sleep(400); // older than staleAfterMs

    // A run with no time left re-publishes nothing and says how much it left.
    const starved = createRuntime(t.stack.config, { sale: { staleAfterMs: 300, sweepBudgetMs: 0 } });
    try {
      expect(await starved.sales.sweep()).toMatchObject({ republished: 0, left: total });
    } finally {
      await starved.stop();
    }
    // One run reaches the whole backlog (not 500 a shard), and the next one too: the first orders,
    // still pending, do not hold back the rest.
    const first = await t.stack.sweep();
    expect(first).toMatchObject({ republished: total, failed: 0, left: 0 });
    const second = await t.stack.sweep();
    expect(second).toMatchObject({ republished: total, left: 0 });

    await t.stack.poller?.start();
    await t.stack.drain(60_000);
    const persisted = await persistedOrders(t.stack.runtime.db, show.id);
    expect(persisted).toHaveLength(total);
    expect(new Set(persisted.map((o) => o.idempotencyKey)).size).toBe(total);
    const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
    expect(stats).toMatchObject({ sold: total, persisted: total, pending: 0, remaining: 0 });
  });
});

describe("a hold whose deadline passes while its show is frozen for a rebuild", () => {
  it("gets the frozen time back: the payment retried after the rebuild confirms it, and nothing is oversold", async () => {
    const show = await t.createShow({ capacity: 4, maxPerCustomer: 4, priceCents: 1500, holdSeconds: 5 });
    await t.preload(show.id);
    const held = await t.buy(show.id, "frz1", 3, "frozen-hold-key-1");
    expect(held.status).toBe(201);
    expect(held.body.order.status).toBe("held");
    const orderId = held.body.order.id as string;
    const deadline = Date.parse(held.body.order.holdExpiresAt);
    await t.stack.drain();

    // The writer stops (the rebuild cannot reach its barrier) and the space loses the show.
    await t.stack.poller?.stop();
    await t.stack.runtime.redis.flushall();
    const pay = () =>
      t.request("POST", `/orders/${orderId}/test-payment`, { as: "frz1", body: { card: "4242424242424242" } });
    const during = await pay();
    expect(during.status).toBe(503);
    expect(during.body.code).toBe("rehydrating");
    // Nobody else can take the held tickets meanwhile either.
    expect((await t.buy(show.id, "frz2", 2, "frozen-hold-key-2")).status).toBe(503);
    while (Date.now() < deadline + 500) await sleep(100); // the hold's deadline passes while frozen

    await t.stack.poller?.start();
    let paid = await pay();
    for (let i = 0; paid.status === 503 && i < 100; i++) {
      await sleep(100);
      paid = await pay();
    }
    expect(paid.status).toBe(200);
    expect(paid.body.order.status).toBe("confirmed");
    // 3 confirmed of 4: one ticket left, and a buyer of 2 is refused.
    expect((await t.buy(show.id, "frz2", 2, "frozen-hold-key-3")).status).toBe(409);
    await t.stack.drain();
    const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
    expect(stats).toMatchObject({ confirmed: 3, held: 0, expired: 0, remaining: 1, pending: 0 });
    const [persisted] = (await persistedOrders(t.stack.runtime.db, show.id)).filter((o) => o.id === orderId);
    expect(persisted?.status).toBe("confirmed");
  });
});

describe("a provider refund that fails", () => {
  it("is owed, visible, and retried by the sweeper until it succeeds, once", async () => {
    const show = await t.createShow({ capacity: 4, priceCents: 900, holdSeconds: 600 });
    await t.preload(show.id);
    const held = await t.buy(show.id, "rf1", 2, "refund-owed-key-1");
    const orderId = held.body.order.id as string;
    const paid = await t.request("POST", `/orders/${orderId}/test-payment`, {
      as: "rf1",
      body: { card: "4242424242424242" },
    });
    expect(paid.body.order.status).toBe("confirmed");

    // The provider (the test provider, its refund call made to fail here) is down.
    const payments = t.stack.runtime.payments as TestPayments;
    const realRefund = payments.refund.bind(payments);
    payments.refund = async () => {
      throw new Error("provider unavailable (injected)");
    };
    try {
      const refunded = await t.request("POST", `/admin/orders/${orderId}/refund`, { admin: true });
      expect(refunded.status).toBe(200);
      expect(refunded.body.order.status).toBe("refunded");
      // The tickets are back on sale; the money is owed, durably, and the sweeper says so.
      expect((await t.request("GET", `/shows/${show.id}/availability`)).body.remaining).toBe(4);
      expect((await t.stack.runtime.refunds.owed()).map((r) => r.orderId)).toEqual([orderId]);
      expect(await t.stack.sweep()).toMatchObject({ refundsRetried: 0, refundsOwed: 1 });
      expect((await t.stack.runtime.refunds.owed())[0]?.attempts).toBe(2);
    } finally {
      payments.refund = realRefund;
    }
    expect(await t.stack.sweep()).toMatchObject({ refundsRetried: 1, refundsOwed: 0 });
    expect(payments.refunds.filter((r) => r.orderId === orderId)).toHaveLength(1);
    expect(await t.stack.runtime.refunds.owed()).toEqual([]);
    expect(await t.stack.sweep()).toMatchObject({ refundsRetried: 0, refundsOwed: 0 });
  });
});
