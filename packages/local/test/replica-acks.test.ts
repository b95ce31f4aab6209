import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newShowId } from "@hotseat/core/show";
import { createSpaceClient, InventorySpace, type SpaceClient, shardKeys } from "@hotseat/core/space";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRedisCluster, startRedisCluster } from "../src/redis-cluster.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

// SPACE_REPLICA_ACKS on a real Redis Cluster (3 primaries with a replica each, TLS, a password).
let cluster: LocalRedisCluster;
let client: SpaceClient;
let t: TestStack;

beforeAll(async () => {
  cluster = await startRedisCluster(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-acks-")));
  client = createSpaceClient(cluster.connection);
  t = await startTestStack({
    redisConnection: { ...cluster.connection, replicaAcks: 1, replicaAckTimeoutMs: 300 },
    sale: { staleAfterMs: 300 },
    poller: { batchingWindowMs: 20 },
  });
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await t?.stop();
  await cluster?.stop();
});

/** The order ids the stack's publisher is asked to publish from now on, until the returned call stops recording. */
function recordPublished(): { ids: string[]; stop: () => void } {
  const publisher = t.stack.runtime.publisher;
  const real = publisher.publishOrder;
  const ids: string[] = [];
  publisher.publishOrder = (o, ...rest) => {
    ids.push(o.id);
    return real.call(publisher, o, ...rest);
  };
  return {
    ids,
    stop: () => {
      publisher.publishOrder = real;
    },
  };
}

const order = (showId: string, id: string, key: string) => ({
  id,
  showId,
  customerId: "cus_wait",
  quantity: 1,
  createdAt: new Date().toISOString(),
  idempotencyKey: key,
  shard: 0,
  priceCents: 0,
  status: "confirmed" as const,
  version: 1,
});

const take = (space: InventorySpace, showId: string, id: string, key: string) =>
  space.takeTickets({
    showId,
    shard: 0,
    customerId: "cus_wait",
    idempotencyKey: key,
    fingerprint: "q1",
    order: order(showId, id, key),
    holdMs: 0,
  });

/** Reads a key on one node directly (a replica answers reads after READONLY). */
async function readOn(node: string, key: string, field: string) {
  const [host, port] = node.split(":");
  const r = new Redis({
    host,
    port: Number(port),
    password: cluster.password,
    tls: { ca: [fs.readFileSync(cluster.caFile, "utf8")] },
    lazyConnect: true,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.call("READONLY");
    return await r.hget(key, field);
  } finally {
    r.disconnect();
  }
}

describe("a take with SPACE_REPLICA_ACKS on a Redis Cluster", () => {
  it("is answered once the shard's replica has it: the pipeline's WAIT runs on the node that holds the slot", async () => {
    const showId = newShowId();
    const space = new InventorySpace(client, { replicaAcks: 1 });
    await space.loadShard(showId, 0, 10, 4);
    const r = await take(space, showId, "ord_01M8TCAC9M8179BSPE5MMJEM51", "wait-key-0001");
    expect(r.outcome).toBe("ok");
    const primary = await cluster.primaryOf(shardKeys(showId, 0).inventory);
    const [replica] = await cluster.replicasOf(primary);
    expect(replica).toBeDefined();
    // No sleep: the replica had it before the take was answered.
    expect(
      await readOn(replica as string, shardKeys(showId, 0).orders, "ord_01M8TCAC9M8179BSPE5MMJEM51"),
    ).not.toBeNull();
  });

  it("is refused as unreplicated when fewer replicas answer in time; a retry with the key finds the same order", async () => {
    const showId = newShowId();
    // Two replicas asked of a cluster that has one per primary: WAIT times out.
    const strict = new InventorySpace(client, { replicaAcks: 2, replicaAckTimeoutMs: 100 });
    await strict.loadShard(showId, 0, 10, 4);
    const refused = await take(strict, showId, "ord_01M8TCAC9M8179BSPE5MMJEM52", "wait-key-0002");
    expect(refused).toMatchObject({ outcome: "unreplicated", replicas: 1 });
    const again = await take(strict, showId, "ord_01M8TCAC9M8179BSPE5MMJEM53", "wait-key-0002");
    expect(again).toMatchObject({ outcome: "unreplicated", record: { id: "ord_01M8TCAC9M8179BSPE5MMJEM52" } });
    const relaxed = new InventorySpace(client, { replicaAcks: 1 });
    const replay = await take(relaxed, showId, "ord_01M8TCAC9M8179BSPE5MMJEM54", "wait-key-0002");
    expect(replay).toMatchObject({
      outcome: "replay",
      pending: true,
      record: { id: "ord_01M8TCAC9M8179BSPE5MMJEM52" },
    });
    const [state] = await relaxed.readShards(showId, 1);
    expect(state).toMatchObject({ sold: 1, stock: 9 });
  });
});

describe("a move of stock between shards with SPACE_REPLICA_ACKS", () => {
  it("is credited only once the donor's replicas hold the loan: until then it stays in transit, then settles once", async () => {
    const showId = newShowId();
    const strict = new InventorySpace(client, { replicaAcks: 2, replicaAckTimeoutMs: 100 });
    await strict.loadShard(showId, 0, 2, 4);
    await strict.loadShard(showId, 1, 8, 4);
    expect(await strict.replicated(showId, 1)).toBe(false);
    expect(await strict.moveStock(showId, 1, 0, 3)).toBe(0);
    const inTransit = await strict.readShards(showId, 2);
    expect(inTransit.map((s) => [s.stock, s.inTransit])).toEqual([
      [2, 0],
      [5, 3],
    ]);
    expect(await strict.settleLoans(showId, 1, 0)).toBe(0);

    const relaxed = new InventorySpace(client, { replicaAcks: 1 });
    expect(await relaxed.replicated(showId, 1)).toBe(true);
    expect(await relaxed.settleLoans(showId, 1, 0)).toBe(3);
    expect(await relaxed.settleLoans(showId, 1, 0)).toBe(0);
    expect((await relaxed.readShards(showId, 2)).map((s) => [s.stock, s.inTransit])).toEqual([
      [5, 0],
      [5, 0],
    ]);
    expect(await relaxed.moveStock(showId, 1, 0, 2)).toBe(2);
  });
});

describe("a purchase through the API with SPACE_REPLICA_ACKS=1", () => {
  it("is 201 while the replica answers; a retryable 503 once it is gone, and the retry returns one order", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    expect((await t.buy(show.id, "cus_1", 1, "acks-key-0001")).status).toBe(201);

    const primary = await cluster.primaryOf(shardKeys(show.id, 0).inventory);
    const killed = await cluster.replicasOf(primary);
    for (const replica of killed) await cluster.kill(replica);
    const published = recordPublished();
    const refused = await t.buy(show.id, "cus_2", 2, "acks-key-0002");
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "unavailable" });
    expect(refused.headers.get("retry-after")).toBe("1");
    const retried = await t.buy(show.id, "cus_2", 2, "acks-key-0002");
    expect(retried.status).toBe(503);

    // Not acknowledged, not lost: pending in the space. The sweeper does not publish it while no replica holds it
    // (were the primary lost now, DynamoDB would hold an order the promoted replica never had, to sell again).
    await new Promise((r) => setTimeout(r, 400));
    const orders = async () =>
      (await t.tableItems())
        .filter((i) => i.__edb_e__ === "order" && i.showId === show.id)
        .map((i) => `${i.customerId}:${i.quantity}`)
        .sort();
    expect(await t.stack.sweep()).toMatchObject({ republished: 0, left: 1 });
    published.stop();
    expect(published.ids).toEqual([]);
    // Its 2 tickets still taken, pending.
    expect((await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body).toMatchObject({
      pending: 2,
    });
    // The replica is replaced and has caught up: the sweep publishes the order, and it is persisted once.
    for (const replica of killed) await cluster.restart(replica);
    await t.stack.sweep();
    await t.stack.drain();
    expect(await orders()).toEqual(["cus_1:1", "cus_2:2"]);
    const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
    expect(stats).toMatchObject({ sold: 3, remaining: 7, pending: 0 });
  });
});

describe("a change of status through the API with SPACE_REPLICA_ACKS=1", () => {
  it("is a retryable 503 while the shard's replica is gone, published by none; the retry confirms it once it is back", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4, priceCents: 500 });
    await t.preload(show.id);
    const held = await t.buy(show.id, "cus_pay", 1, "acks-key-0101");
    expect(held.status).toBe(201);
    const orderId = held.body.order.id as string;
    const pay = () =>
      t.request("POST", `/orders/${orderId}/test-payment`, { body: { card: "4242424242424242" }, as: "cus_pay" });
    const status = async () => {
      await t.stack.drain();
      const versions = (await t.tableItems()).filter((i) => i.orderId === orderId && i.__edb_e__ === "orderStatus");
      return versions.map((v) => v.status);
    };
    await t.stack.drain();

    const primary = await cluster.primaryOf(shardKeys(show.id, 0).inventory);
    const killed = await cluster.replicasOf(primary);
    for (const replica of killed) await cluster.kill(replica);
    const published = recordPublished();
    const refused = await pay();
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "unavailable" });
    published.stop();
    expect(published.ids).toEqual([]);

    for (const replica of killed) await cluster.restart(replica);
    const paid = await pay();
    expect(paid.status).toBe(200);
    expect(paid.body.order).toMatchObject({ status: "confirmed" });
    expect(await status()).toEqual(["confirmed"]);
  });
});
