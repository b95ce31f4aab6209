import { spawnSync } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { shardKeys } from "@hotseat/core/space";
import { createRuntime } from "@hotseat/functions/runtime";
import { writeBatch } from "@hotseat/functions/writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulators } from "../src/emulators.ts";
import { KinesisPoller } from "../src/poller.ts";
import { startTestStack, type TestStack, until } from "../src/testing.ts";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({
    port: 0,
    sale: { staleAfterMs: 300, rehydrationWaitMs: 5000, loanStaleAfterMs: 200 },
    poller: { batchingWindowMs: 20, maxRetries: 2 },
    publisher: { budgetMs: 2000 },
  });
});
afterAll(async () => {
  await t?.stop();
});

const statsOf = async (showId: string) =>
  (await t.request("GET", `/admin/shows/${showId}/stats`, { admin: true })).body;
const persistedOrders = async (showId: string) =>
  (await t.tableItems()).filter((i) => i.__edb_e__ === "order" && i.showId === showId);

describe("the API dies between take and publish", () => {
  it("the sweeper re-publishes the taken order and it is persisted exactly once", async () => {
    const show = await t.createShow({ capacity: 10 });
    await t.preload(show.id);
    const fixture = fileURLToPath(new URL("./fixtures/crash-after-take.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", fixture, show.id, "crashy", "2", "crash-key-0001"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, ...t.stack.env, HOTSEAT_LOG_LEVEL: "error" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.signal, `${run.stdout}\n${run.stderr}`).toBe("SIGKILL");

    // The ticket is taken and pending in the space; nothing reached the pump or the table.
    const before = await statsOf(show.id);
    expect(before).toMatchObject({ sold: 2, pending: 2, remaining: 8 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await persistedOrders(show.id)).toHaveLength(0);

    const swept = await t.stack.sweep();
    expect(swept.republished).toBeGreaterThanOrEqual(1);
    await t.stack.drain();
    const orders = await persistedOrders(show.id);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ customerId: "crashy", quantity: 2, idempotencyKey: "crash-key-0001" });
    expect(await statsOf(show.id)).toMatchObject({ sold: 2, persisted: 2, pending: 0, projectedSold: 2 });

    // The buyer, whose request died with the process, retries with the same key: same order.
    const retry = await t.buy(show.id, "crashy", 2, "crash-key-0001");
    expect(retry.status).toBe(200);
    expect(retry.body.order).toMatchObject({ id: orders[0]?.orderId, persisted: true });
    // A second sweep finds nothing to do, and the table still holds one order.
    await t.stack.sweep();
    await t.stack.drain();
    expect(await persistedOrders(show.id)).toHaveLength(1);
  });
});

describe("the pump is unavailable", () => {
  it("answers 503 rather than acknowledge an unpublished order; the retry with the same key returns and persists it", async () => {
    const show = await t.createShow({ capacity: 40, maxPerCustomer: 4 });
    await t.preload(show.id);
    const ok = await t.buy(show.id, "pre", 1, "pump-key-pre-1");
    expect(ok.status).toBe(201);
    await t.stack.drain();

    const ports = {
      kinesis: Number(new URL(t.stack.emulators.kinesisEndpoint).port),
      dynamo: Number(new URL(t.stack.emulators.dynamoEndpoint).port),
    };
    await t.stack.emulators.stop();
    const during = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.buy(show.id, `down${i}`, 2, `pump-key-down-${i}`)),
    );
    // Nothing is acknowledged that only the space holds: each buyer is told to retry (503 + Retry-After),
    // and the tickets stay taken, pending in the space, for the retry or the sweeper to publish.
    for (const r of during) {
      expect(r.status).toBe(503);
      expect(r.body.code).toBe("unavailable");
      expect(r.headers.get("retry-after")).toBe("1");
    }
    const held = (await t.stack.runtime.space.readShards(show.id, 1))[0];
    expect(held).toMatchObject({ sold: 13, pendingTickets: 12 });

    const restarted = await startEmulators(t.stack.dataDir, ports);
    try {
      // The buyers retry with the same keys: the same orders (one each), published now.
      const retried = await Promise.all(
        Array.from({ length: 6 }, (_, i) => t.buy(show.id, `down${i}`, 2, `pump-key-down-${i}`)),
      );
      for (const r of retried) expect(r.status).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      await t.stack.sweep();
      await t.stack.drain(30_000);
      const orders = await persistedOrders(show.id);
      expect(orders).toHaveLength(7);
      expect(orders.reduce((n, o) => n + Number(o.quantity), 0)).toBe(13);
      expect(new Set(orders.map((o) => o.orderId))).toEqual(
        new Set([ok.body.order.id, ...retried.map((r) => r.body.order.id)]),
      );
      for (const r of retried) {
        const order = await t.request("GET", `/orders/${r.body.order.id}`, { as: r.body.order.customerId });
        expect(order.body.order.persisted).toBe(true);
      }
      expect(await statsOf(show.id)).toMatchObject({ sold: 13, persisted: 13, pending: 0, projectedSold: 13 });
    } finally {
      // the stack's own stop() knows only the first emulator process
      t.stack.emulators.stop = restarted.stop;
    }
  });
});

describe("a poison record in the pump", () => {
  it("is isolated into the dead-letter file with its reason while every other record is persisted", async () => {
    const show = await t.createShow({ capacity: 20 });
    await t.preload(show.id);
    const before = await Promise.all([1, 2, 3].map((i) => t.buy(show.id, `pz${i}`, 1, `poison-before-${i}`)));
    await t.stack.runtime.kinesis.send(
      new PutRecordCommand({
        StreamName: t.stack.config.pump.streamName,
        PartitionKey: "poison",
        Data: Buffer.from('{"type":"order.accepted","order":{"id":"ord_garbage"}}'),
      }),
    );
    const after = await Promise.all([4, 5, 6].map((i) => t.buy(show.id, `pz${i}`, 1, `poison-after-${i}`)));
    expect([...before, ...after].every((r) => r.status === 201)).toBe(true);
    await t.stack.drain(30_000);
    expect(await persistedOrders(show.id)).toHaveLength(6);
    const findPoison = () =>
      (t.stack.poller?.deadLetters() ?? []).find((d) => d.records.some((r) => r.data.includes("ord_garbage")));
    for (let i = 0; i < 150 && !findPoison(); i++) await new Promise((r) => setTimeout(r, 100));
    const poison = findPoison();
    expect(poison?.records).toHaveLength(1);
    expect(poison?.reason).toMatch(/failed/);
    // The pump keeps moving.
    expect((await t.buy(show.id, "pz7", 1, "poison-later-7")).status).toBe(201);
    await t.stack.drain();
    expect(await persistedOrders(show.id)).toHaveLength(7);
  });
});

describe("the writer dies mid-batch", () => {
  it("a redelivered batch ends in the same exact state: no duplicate, exact projections", async () => {
    const local = await startTestStack({ poll: false });
    try {
      const show = await local.createShow({ capacity: 100, shards: 2 });
      await local.preload(show.id);
      let sold = 0;
      for (let i = 0; i < 30; i++) {
        sold += 1 + (i % 2);
        expect((await local.buy(show.id, `m${i}`, 1 + (i % 2), `mid-batch-${i}`)).status).toBe(201);
      }
      await local.stack.runtime.publisher.drain();
      let crashes = 0;
      const rt = local.stack.runtime;
      // The first invocation persists half its records and then dies, as a killed writer would.
      const poller = new KinesisPoller(
        rt.kinesis,
        local.stack.config.pump.streamName,
        async (event) => {
          if (crashes === 0 && event.Records.length > 1) {
            crashes++;
            await writeBatch(rt, { Records: event.Records.slice(0, Math.ceil(event.Records.length / 2)) });
            throw new Error("writer killed mid-batch");
          }
          return writeBatch(rt, event);
        },
        local.stack.dataDir,
        { batchSize: 100, batchingWindowMs: 300 },
      );
      await poller.start();
      await local.stack.drain(30_000);
      await poller.stop();
      expect(crashes).toBe(1);
      const items = await local.tableItems();
      const orders = items.filter((i) => i.__edb_e__ === "order");
      expect(orders).toHaveLength(30);
      expect(new Set(orders.map((o) => o.orderId)).size).toBe(30);
      const projections = items.filter((i) => i.__edb_e__ === "shardProjection");
      expect(projections.reduce((n, p) => n + Number(p.soldAfter), 0)).toBe(sold);
      const stats = (await local.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
      expect(stats).toMatchObject({ sold, persisted: sold, pending: 0, projectedSold: sold });
    } finally {
      await local.stop();
    }
  });
});

describe("the space loses a show in the middle of a sale", () => {
  it("exactly one of several workers rebuilds it after the pump drains, and no ticket is sold twice", async () => {
    const capacity = 300;
    const show = await t.createShow({ capacity, maxPerCustomer: 4, shards: 2 });
    await t.preload(show.id);
    const sale = { rehydrationWaitMs: 10_000 };
    const publisher = { budgetMs: 2000 };
    const workers = [0, 1, 2].map(() => createRuntime(t.stack.config, { sale, publisher }));
    try {
      const acknowledged = new Map<string, number>();
      const keys = new Map<string, string>();
      let flushed = false;
      const buyer = async (i: number) => {
        const sales = workers[i % 3]?.sales;
        if (!sales) return;
        const key = `flush-key-${i}`;
        const body = { quantity: 1 + (i % 4) };
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            const { order } = await sales.purchase({ showId: show.id, customerId: `f${i}`, idempotencyKey: key, body });
            acknowledged.set(order.id, order.quantity);
            const seen = keys.get(key);
            if (seen) expect(order.id).toBe(seen);
            keys.set(key, order.id);
            return;
          } catch (e) {
            const code = (e as { code?: string }).code;
            if (code === "sold_out" || code === "insufficient_inventory") return;
            if (code !== "rehydrating") throw e;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      const buyers: Promise<void>[] = [];
      for (let i = 0; i < 220; i++) {
        if (i === 80 && !flushed) {
          flushed = true;
          await t.stack.runtime.redis.flushall();
        }
        buyers.push(buyer(i));
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(buyers);
      // Orders acknowledged before the flush are replayed exactly after the rebuild.
      for (const [key, id] of [...keys].slice(0, 5)) {
        const i = Number(key.split("-").pop());
        const again = await workers[0]?.sales.purchase({
          showId: show.id,
          customerId: `f${i}`,
          idempotencyKey: key,
          body: { quantity: 1 + (i % 4) },
        });
        expect(again?.order.id).toBe(id);
      }
      await t.stack.drain(30_000);

      expect(workers.reduce((n, w) => n + w.sales.rehydrations, 0) + t.stack.runtime.sales.rehydrations).toBe(1);
      const sold = [...acknowledged.values()].reduce((n, q) => n + q, 0);
      expect(sold).toBe(capacity);
      const orders = await persistedOrders(show.id);
      expect(orders.map((o) => o.orderId).sort()).toEqual([...acknowledged.keys()].sort());
      const stats = await statsOf(show.id);
      expect(stats).toMatchObject({ remaining: 0, sold: capacity, persisted: capacity, pending: 0 });
      // The sales chart's timeline was rebuilt from the persisted orders too.
      const charted = stats.timeline.buckets.reduce((n: number, b: { tickets: number }) => n + b.tickets, 0);
      expect(charted).toBe(capacity);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});

describe("a connection storm", () => {
  it("serves 1,000 simultaneous connections with a bounded number of Redis connections", async () => {
    const show = await t.createShow({ capacity: 5000, maxPerCustomer: 4 });
    await t.preload(show.id);
    const redis = t.stack.runtime.redis as import("ioredis").Redis;
    const clientsBefore = String(await redis.client("LIST"))
      .trim()
      .split("\n").length;
    const url = new URL(t.stack.apiUrl ?? "");
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => t.tokenFor(`storm${i}`)));
    const one = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ quantity: 1 });
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            method: "POST",
            path: `/shows/${show.id}/orders`,
            agent: false,
            headers: {
              "content-type": "application/json",
              "idempotency-key": `storm-key-${i}`,
              authorization: `Bearer ${tokens[i]}`,
              connection: "close",
            },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const statuses = await Promise.all(Array.from({ length: 1000 }, (_, i) => one(i)));
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const clientsAfter = String(await redis.client("LIST"))
      .trim()
      .split("\n").length;
    expect(clientsAfter).toBeLessThanOrEqual(clientsBefore + 2);
    expect((await statsOf(show.id)).sold).toBe(1000);
  });
});

describe("a rehydrator that dies holding the lock", () => {
  it("lets the next buyer take over once the lock expires", async () => {
    const show = await t.createShow({ capacity: 8 });
    await t.preload(show.id);
    expect((await t.buy(show.id, "lk1", 3, "lock-key-0001")).status).toBe(201);
    await t.stack.drain();
    // A worker took the lock and died: nobody will release it, it only expires.
    expect(await t.stack.runtime.space.acquireRehydrationLock(show.id, 700)).toBeTruthy();
    await t.stack.runtime.redis.flushall();
    const res = await t.buy(show.id, "lk2", 2, "lock-key-0002");
    expect(res.status).toBe(201);
    expect((await t.request("GET", `/shows/${show.id}/availability`)).body.remaining).toBe(3);
    const replay = await t.buy(show.id, "lk1", 3, "lock-key-0001");
    expect(replay.status).toBe(200);
  });
});

describe("a buyer dies while moving stock between shards", () => {
  it("leaves the tickets in transit, still counted, and the sweeper credits them once", async () => {
    const show = await t.createShow({ capacity: 20, shards: 2 });
    await t.preload(show.id);
    const { redis, space } = t.stack.runtime;
    const donor = shardKeys(show.id, 1);
    // The first half of a move (the loan) happens; the process dies before the credit.
    const [lent] = (await redis.lendStock(donor.inventory, donor.lent, 4, "loan-of-a-dead-buyer", 0, Date.now())) as [
      number,
      string,
    ];
    expect(lent).toBe(4);
    const inTransit = await space.readShards(show.id, 2);
    expect(inTransit.map((s) => [s.stock, s.inTransit])).toEqual([
      [10, 0],
      [6, 4],
    ]);
    expect((await t.request("GET", `/shows/${show.id}/availability`)).body.remaining).toBe(20);

    await new Promise((r) => setTimeout(r, 250));
    expect((await t.stack.sweep()).settled).toBe(4);
    expect((await t.stack.sweep()).settled).toBe(0);
    const settled = await space.readShards(show.id, 2);
    expect(settled.map((s) => [s.stock, s.inTransit])).toEqual([
      [14, 0],
      [6, 0],
    ]);
  });

  it("voids a loan lent before a rebuild and credited after it: its tickets are counted once", async () => {
    const show = await t.createShow({ capacity: 10, shards: 2 });
    await t.preload(show.id);
    const { space } = t.stack.runtime;
    // A buyer lends 3 tickets from shard 1 to shard 0, then stalls before the credit.
    const loan = await space.lendStock(show.id, 1, 0, 3);
    expect(loan.lent).toBe(3);
    // Meanwhile the space loses the show and the next buyer rebuilds it from DynamoDB (no orders: all 10 back).
    await t.stack.runtime.redis.flushall();
    expect((await t.buy(show.id, "after-rebuild", 1, "loan-rebuild-key-1")).status).toBe(201);
    expect((await space.readShards(show.id, 2)).reduce((n, s) => n + s.stock + s.inTransit, 0)).toBe(9);
    // The stalled buyer's credit lands now: void, or the show would hold 12 tickets for 9.
    expect(await space.creditStock(show.id, 0, loan)).toBe(-1);
    expect((await space.readShards(show.id, 2)).reduce((n, s) => n + s.stock + s.inTransit, 0)).toBe(9);
  });
});

describe("a preload and a buyer's rebuild at once (issue 10, fourth oversell)", () => {
  it("never loads a preload beside a rebuild a buyer started: the preload waits for the rebuild's lock", async () => {
    const show = await t.createShow({ capacity: 8 });
    const { space } = t.stack.runtime;
    // A buyer elsewhere saw the show on sale with no shard and holds the rebuild lock.
    const rebuilding = await space.acquireRehydrationLock(show.id, 10_000);
    expect(rebuilding).toBeTruthy();
    const refused = await t.request("POST", `/admin/shows/${show.id}/preload`, { admin: true });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("rehydrating");
    expect((await space.readShards(show.id, 1))[0]?.exists).toBe(false);
    await space.releaseRehydrationLock(show.id, rebuilding ?? "");
    // Once it is free the preload (a repeat is safe) loads the show and the sale runs.
    expect(await t.preload(show.id)).toEqual({ showId: show.id, remaining: 8 });
    expect((await t.buy(show.id, "pre", 2, "preload-race-key-1")).status).toBe(201);
    expect((await space.readShards(show.id, 1))[0]).toMatchObject({ stock: 6, sold: 2 });
  });

  it("never loads fresh stock over a rebuild that ran while the preload waited, even once the space lost it again", async () => {
    const show = await t.createShow({ capacity: 8 });
    const { space, shows } = t.stack.runtime;
    // A buyer's recovery elsewhere holds the lock: the first preload flips the show on sale, then waits for it.
    const rebuilding = (await space.acquireRehydrationLock(show.id, 10_000)) as string;
    const preload = t.request("POST", `/admin/shows/${show.id}/preload`, { admin: true });
    await until("the preload put the show on sale", async () => (await shows.get(show.id))?.status === "on_sale", 5000);
    // That recovery rebuilds the show (numbered, as every rebuild is; no orders yet) and 3 tickets sell.
    await shows.nextRebuild(show.id);
    await space.loadShard(show.id, 0, 8, show.maxPerCustomer);
    await space.markOnSale(show.id);
    expect((await t.buy(show.id, "first-load", 3, "first-load-key-1")).status).toBe(201);
    await t.stack.drain();
    // The space loses the show again before the preload gets the lock. A fresh load now would offer all 8.
    await t.stack.runtime.redis.del(...Object.values(shardKeys(show.id, 0)));
    await space.releaseRehydrationLock(show.id, rebuilding);
    const answer = await preload;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ showId: show.id, remaining: 5 });
    expect((await space.readShards(show.id, 1))[0]).toMatchObject({ stock: 5, sold: 3 });
  });
});
