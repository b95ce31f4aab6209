import { vpc } from "./network";
import { stageSettings } from "./stage";

const settings = stageSettings($app.stage);

export const spaceRedis = new sst.aws.Redis("SpaceRedis", {
  engine: "valkey",
  // Cluster mode: the space's keys carry hash tags (`show:{id}:…`) so each Lua script stays in one slot.
  cluster: { nodes: settings.spaceShards },
  instance: settings.spaceInstance,
  // Inventory must never be evicted to make room: a full node refuses writes (a clear error) instead.
  parameters: { "maxmemory-policy": "noeviction" },
  vpc,
  dev: { host: "127.0.0.1", port: 6379 },
});

/**
 * What the functions link as `Space`: the connection plus how to speak to it. ElastiCache requires TLS and runs in
 * cluster mode; the local Redis that `sst dev` points at is a plain single node.
 */
export const space = new sst.Linkable("Space", {
  properties: {
    host: spaceRedis.host,
    port: spaceRedis.port,
    username: spaceRedis.username,
    password: spaceRedis.password,
    tls: !$dev,
    cluster: !$dev,
  },
});
