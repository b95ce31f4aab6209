import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { shardKeys } from "@hotseat/core/space";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRedisCluster, startRedisCluster } from "../src/redis-cluster.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

// The primary that holds a hot show is killed -9 in the middle of a burst of buyers; its replica is promoted.
let cluster: LocalRedisCluster;
let t: TestStack;

beforeAll(async () => {
  cluster = await startRedisCluster(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-failover-")), {
    nodeTimeoutMs: 1500,
  });
  t = await startTestStack({
    redisConnection: { ...cluster.connection, replicaAcks: 1, replicaAckTimeoutMs: 300 },
    sale: { staleAfterMs: 1000, rehydrationWaitMs: 5000 },
    publisher: { budgetMs: 500 },
    poller: { batchingWindowMs: 20 },
  });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await cluster?.stop();
});

const CAPACITY = 300;
const LIMIT = 4;
const CUSTOMERS = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  customerId: string;
  key: string;
  quantity: number;
  orderIds: Set<string>;
  final: number;
}

describe("a primary killed -9 during a burst, with SPACE_REPLICA_ACKS=1", () => {
  it("loses no acknowledged order, sells no more than the capacity, and replays return the original orders", async () => {
    const show = await t.createShow({ capacity: CAPACITY, maxPerCustomer: LIMIT });
    await t.preload(show.id);
    const primary = await cluster.primaryOf(shardKeys(show.id, 0).inventory);

    let answered = 0;
    let killed = false;
    const serverErrors: string[] = [];
    let replaced: Promise<void> = Promise.resolve();
    const answers: Answer[] = [];
    // A buyer retries a server error with the same key, as the storefront does, until a final answer.
    const purchase = async (customerId: string, key: string, quantity: number) => {
      const a: Answer = { customerId, key, quantity, orderIds: new Set(), final: 0 };
      answers.push(a);
      for (let attempt = 0; attempt < 300; attempt++) {
        const res = await t.buy(show.id, customerId, quantity, key).catch(() => ({ status: 599, body: null }));
        if (++answered === 150 && !killed) {
          killed = true;
          // Its replica is promoted within the node timeout; then the killed node comes back empty as the new
          // primary's replica, as ElastiCache replaces a failed node. Meanwhile a take on the promoted primary has
          // no replica to acknowledge it: a retryable 503.
          replaced = cluster.kill(primary).then(async () => {
            while ((await cluster.primaryOf(shardKeys(show.id, 0).inventory).catch(() => primary)) === primary)
              await sleep(200);
            await cluster.restart(primary);
          });
        }
        if (res.status >= 500) serverErrors.push(`${res.status} ${res.body?.code}`);
        if (res.status === 200 || res.status === 201) a.orderIds.add(res.body.order.id);
        if (res.status < 500) {
          a.final = res.status;
          return;
        }
        await sleep(100);
      }
    };
    await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, c) => {
        await sleep((c % 20) * 10);
        for (let p = 0; p < 3; p++) await purchase(`cus_${c}`, `failover-${c}-${p}-key`, 1 + ((c + p) % 2));
      }),
    );
    expect(killed).toBe(true);
    await replaced;
    // The failover is a retryable 503 for the buyers it touched (redirects and closed connections), never a bare 500.
    expect(serverErrors.filter((e) => !e.startsWith("503 "))).toEqual([]);
    expect(await cluster.primaryOf(shardKeys(show.id, 0).inventory)).not.toBe(primary);
    // Every purchase came to a final answer, and none was answered with two different orders.
    expect(answers.filter((a) => a.final === 0)).toEqual([]);
    for (const a of answers) expect(a.orderIds.size).toBeLessThanOrEqual(1);

    await t.stack.sweep();
    await t.stack.drain(60_000);
    const items = (await t.tableItems()).filter((i) => i.__edb_e__ === "order" && i.showId === show.id);
    const byId = new Map<string, number>();
    for (const i of items) byId.set(String(i.orderId), (byId.get(String(i.orderId)) ?? 0) + 1);
    const acknowledged = answers.flatMap((a) => [...a.orderIds]);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Every acknowledged order persisted exactly once.
    for (const id of acknowledged) expect(byId.get(id), id).toBe(1);
    const tickets = items.reduce((n, i) => n + Number(i.quantity), 0);
    expect(tickets).toBeLessThanOrEqual(CAPACITY);
    const perCustomer = new Map<string, number>();
    for (const i of items)
      perCustomer.set(String(i.customerId), (perCustomer.get(String(i.customerId)) ?? 0) + Number(i.quantity));
    for (const [customer, n] of perCustomer) expect(n, customer).toBeLessThanOrEqual(LIMIT);

    // Replays after the failover return the original orders, never a second one.
    for (const a of answers.filter((x) => x.orderIds.size === 1)) {
      const replay = await t.buy(show.id, a.customerId, a.quantity, a.key);
      expect(replay.status).toBe(200);
      expect(replay.body.order.id).toBe([...a.orderIds][0]);
    }
    const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
    expect(stats.remaining + stats.sold).toBe(CAPACITY);
    expect(stats.sold).toBe(tickets);
  }, 180_000);
});
