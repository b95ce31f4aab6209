import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSpaceClient, InventorySpace, type SpaceClient, shardKeys } from "@hotseat/core/space";
import { sleep } from "@hotseat/core/util";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type SpaceHarness, spaceContract } from "../../core/src/space/space.contract.ts";
import { type LocalRedis, startRedis } from "../src/redis.ts";
import { type LocalRedisCluster, startRedisCluster } from "../src/redis-cluster.ts";

// The contract InMemorySpace keeps (packages/core/src/space/in-memory.test.ts), on the Redis space: one real
// redis-server, then a real Redis Cluster (3 primaries, TLS, a password: the ElastiCache shape).

/** The harness on a real space: time passes by waiting; a failover's stale copy is made with DUMP and RESTORE. */
function harness(client: SpaceClient): SpaceHarness {
  const space = new InventorySpace(client);
  return {
    space,
    peer: () => new InventorySpace(client),
    pass: (ms) => sleep(ms),
    async copyShard(showId, shard) {
      const keys = Object.values(shardKeys(showId, shard));
      const copy: [string, Buffer][] = [];
      for (const key of keys) {
        const dumped = await client.dumpBuffer(key);
        if (dumped) copy.push([key, dumped]);
      }
      return async () => {
        // One key at a time: a cluster refuses a multi-key DEL only across slots, and these share one, but a
        // per-key DEL keeps this the same on both.
        for (const key of keys) await client.del(key);
        for (const [key, value] of copy) await client.restore(key, 0, value);
      };
    },
    async setShardStatus(showId, shard, status) {
      await client.hset(shardKeys(showId, shard).inventory, "status", status);
    },
  };
}

describe("InventorySpace keeps the Space contract (real redis-server)", () => {
  let redis: LocalRedis;
  let client: SpaceClient;
  beforeAll(async () => {
    redis = await startRedis(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-space-contract-")));
    client = createSpaceClient({ url: redis.url });
    expect(await client.ping()).toBe("PONG");
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  spaceContract(() => harness(client));
});

describe("InventorySpace keeps the Space contract (Redis Cluster)", () => {
  let cluster: LocalRedisCluster;
  let client: SpaceClient;
  beforeAll(async () => {
    cluster = await startRedisCluster(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-space-contract-cluster-")));
    client = createSpaceClient(cluster.connection);
    expect(await client.ping()).toBe("PONG");
  }, 120_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });
  spaceContract(() => harness(client));
});
