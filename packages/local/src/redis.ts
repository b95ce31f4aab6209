import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { sleep } from "@hotseat/core/util";
import type { RuntimeConfig } from "@hotseat/functions/config";
import { Redis } from "ioredis";

export interface LocalRedis {
  url: string;
  process: ChildProcess | null;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

async function waitForPing(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops a process a previous run left behind (for example after `kill -9` of the stack) and
 * waits until it is gone, so two servers never share one data folder.
 */
export async function stopStale(pidFile: string, timeoutMs = 10_000) {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8"));
  fs.rmSync(pidFile, { force: true });
  if (!(pid > 0) || !alive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await sleep(50);
  }
}

/**
 * Uses `REDIS_URL` when given; otherwise spawns `redis-server` with its data (append-only
 * file) under `dataDir/redis`, so a restart keeps the space.
 */
export async function startRedis(dataDir: string, options: { url?: string; port?: number } = {}): Promise<LocalRedis> {
  if (options.url) {
    await waitForPing(options.url, 5000);
    return { url: options.url, process: null, stop: async () => {} };
  }
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error(
      "redis-server was not found. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`) or set REDIS_URL to a running Redis.",
    );
  }
  const dir = path.join(dataDir, "redis");
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, "redis.pid");
  await stopStale(pidFile);
  const port = options.port ?? (await freePort());
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--save",
      "",
      "--daemonize",
      "no",
      "--logfile",
      path.join(dir, "redis.log"),
    ],
    { stdio: "ignore" },
  );
  fs.writeFileSync(pidFile, String(child.pid));
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, 10_000);
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        fs.rmSync(pidFile, { force: true });
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

const wholeNumber = (name: string, value: string | undefined) => {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
};

const flag = (env: NodeJS.ProcessEnv, name: string) => {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  if (value !== "true" && value !== "false") throw new Error(`${name} must be true or false, got "${value}"`);
  return value === "true";
};

/**
 * The space `pnpm start` should use instead of spawning one, from the REDIS_* variables:
 * `REDIS_CLUSTER_NODES` (host:port,…) for a Redis Cluster (the ElastiCache shape), else `REDIS_URL` for one server;
 * `REDIS_TLS`, `REDIS_USERNAME`, `REDIS_PASSWORD` and `REDIS_CA_FILE` for either. Undefined when neither is set.
 */
export function spaceConnectionFromEnv(env: NodeJS.ProcessEnv): RuntimeConfig["redis"] | undefined {
  const replicaAcks = wholeNumber("SPACE_REPLICA_ACKS", env.SPACE_REPLICA_ACKS);
  const replicaAckTimeoutMs = wholeNumber("SPACE_REPLICA_ACK_TIMEOUT_MS", env.SPACE_REPLICA_ACK_TIMEOUT_MS);
  const nodes = env.REDIS_CLUSTER_NODES?.split(",")
    .map((node) => node.trim())
    .filter(Boolean);
  if (!nodes?.length && !env.REDIS_URL) {
    if (replicaAcks)
      throw new Error(
        "SPACE_REPLICA_ACKS needs REDIS_URL or REDIS_CLUSTER_NODES: the Redis pnpm start spawns has no replica",
      );
    return undefined;
  }
  for (const node of nodes ?? [])
    if (!/^[^:\s]+:\d+$/.test(node)) throw new Error(`REDIS_CLUSTER_NODES: "${node}" is not host:port`);
  const url = new URL(nodes?.length ? `redis://${nodes[0]}` : (env.REDIS_URL as string));
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new Error(`REDIS_URL must be redis:// or rediss://, got "${url.protocol}"`);
  const tls = flag(env, "REDIS_TLS") ?? url.protocol === "rediss:";
  url.protocol = tls ? "rediss:" : "redis:";
  if (env.REDIS_USERNAME) url.username = env.REDIS_USERNAME;
  if (env.REDIS_PASSWORD) url.password = env.REDIS_PASSWORD;
  if (env.REDIS_CA_FILE && !fs.existsSync(env.REDIS_CA_FILE))
    throw new Error(`REDIS_CA_FILE: no file at ${env.REDIS_CA_FILE}`);
  return {
    url: url.toString().replace(/\/$/, ""),
    cluster: Boolean(nodes?.length),
    tls,
    ...(nodes?.length ? { nodes } : {}),
    ...(env.REDIS_CA_FILE ? { caFile: env.REDIS_CA_FILE } : {}),
    ...(replicaAcks ? { replicaAcks } : {}),
    ...(replicaAckTimeoutMs ? { replicaAckTimeoutMs } : {}),
  };
}
