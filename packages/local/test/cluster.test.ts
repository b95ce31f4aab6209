import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { shardKeys } from "@hotseat/core/space";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/redis.ts";
import { type LocalRedisCluster, startRedisCluster } from "../src/redis-cluster.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

// The ElastiCache shape, for real: a Redis Cluster of 3 primaries with a replica each, TLS only, a password.
let cluster: LocalRedisCluster;
let t: TestStack;

beforeAll(async () => {
  cluster = await startRedisCluster(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-cluster-")));
  t = await startTestStack({ redisConnection: cluster.connection });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await cluster?.stop();
});

const SHARDS = 6;

describe("pnpm start with REDIS_CLUSTER_NODES, REDIS_TLS, REDIS_USERNAME, REDIS_PASSWORD, REDIS_CA_FILE", () => {
  it("uses the cluster instead of spawning a Redis, says so on its endpoints line, and is healthy", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-cluster-start-"));
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "src/start.ts"], {
      cwd: path.join(import.meta.dirname, ".."),
      env: {
        ...process.env,
        ...cluster.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        WEB_PORT: String(await freePort()),
        HOTSEAT_LOG_LEVEL: "error",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    try {
      let health: { status: string; space?: string } | null = null;
      for (let i = 0; i < 300 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/health`)
          .then((r) => (r.ok ? (r.json() as Promise<{ status: string; space?: string }>) : null))
          .catch(() => null);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health).toMatchObject({ status: "ok", space: "up" });
      expect(stdout).toContain(`space: cluster rediss://default:***@${cluster.nodes[0]}`);
      expect(stdout).not.toContain(cluster.password);
      expect(fs.existsSync(path.join(dataDir, "redis"))).toBe(false);
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("a sale on a Redis Cluster with TLS and a password", () => {
  let showId: string;
  const orderIds: string[] = [];

  it("spreads a sharded show's stock over more than one node", async () => {
    const show = await t.createShow({ capacity: 60, maxPerCustomer: 4, shards: SHARDS });
    showId = show.id;
    const homes = await Promise.all(
      Array.from({ length: SHARDS }, (_, s) => cluster.primaryOf(shardKeys(showId, s).inventory)),
    );
    expect(new Set(homes).size).toBeGreaterThan(1);
    expect((await t.preload(showId)).remaining).toBe(60);
  });

  it("sells across the nodes without overselling, and falls back to other shards before sold out", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.buy(showId, `cus_${i}`, 2, `cluster-${i}`)),
    );
    const sold = results.filter((r) => r.status === 201);
    expect(sold).toHaveLength(30);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.code).toBe("sold_out");
    orderIds.push(...sold.map((r) => r.body.order.id as string));
    const availability = await t.request("GET", `/shows/${showId}/availability`);
    expect(availability.body).toMatchObject({ remaining: 0, soldOut: true });
  });

  it("answers the admin stats of a show whose shards live on different nodes (it was a 500)", async () => {
    const stats = await t.request("GET", `/admin/shows/${showId}/stats`, { admin: true });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ capacity: 60, remaining: 0, sold: 60 });
    const buckets = stats.body.timeline.buckets as { tickets: number }[];
    expect(buckets.reduce((n, b) => n + b.tickets, 0)).toBe(60);
  });

  it("drains every order to DynamoDB", async () => {
    await t.stack.drain();
    const stats = await t.request("GET", `/admin/shows/${showId}/stats`, { admin: true });
    expect(stats.body).toMatchObject({ sold: 60, persisted: 60, pending: 0 });
    const items = await t.tableItems();
    // ElectroDB writes its composed keys in lower case.
    for (const id of orderIds) expect(items.some((item) => String(item.pk).includes(id.toLowerCase()))).toBe(true);
  });

  it("fails a read fast when a primary dies, and reads again once its replica took over", async () => {
    const home = await cluster.primaryOf(shardKeys(showId, 0).inventory);
    await cluster.kill(home);
    const started = Date.now();
    await t.stack.runtime.space.readShards(showId, SHARDS).catch(() => "failed");
    // Bounded by the client's retry settings, not by the Lambda's timeout.
    expect(Date.now() - started).toBeLessThan(8_000);

    // The replica takes over after the cluster's node timeout (1.5 s here); until then reads may fail, never hang.
    const deadline = Date.now() + 30_000;
    let states: Awaited<ReturnType<typeof t.stack.runtime.space.readShards>> | null = null;
    let newHome = home;
    while ((!states || newHome === home) && Date.now() < deadline) {
      states = await t.stack.runtime.space.readShards(showId, SHARDS).catch(() => null);
      newHome = await cluster.primaryOf(shardKeys(showId, 0).inventory).catch(() => home);
      if (!states || newHome === home) await new Promise((r) => setTimeout(r, 250));
    }
    expect(newHome).not.toBe(home);
    expect(states?.every((s) => s.exists)).toBe(true);
    expect(states?.reduce((n, s) => n + s.sold, 0)).toBe(60);
  });
});
