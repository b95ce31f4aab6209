import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { sleep } from "@hotseat/core/util";
import type { RuntimeConfig } from "@hotseat/functions/config";
import { Cluster, Redis } from "ioredis";
import { freePort } from "./redis.ts";
import { makeCertificates, requireTool } from "./tls-certificates.ts";

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** Every node, `127.0.0.1:port` (TLS ports), primaries and replicas. */
  nodes: string[];
  password: string;
  /** The CA that signed the nodes' certificate: clients must trust it. */
  caFile: string;
  /** The space's connection, as `RuntimeConfig.redis` (and `startStack({ redisConnection })`) take it. */
  connection: RuntimeConfig["redis"];
  /** The same, as the REDIS_* variables `pnpm start` reads. */
  env: Record<string, string>;
  /** A cluster client for the test itself (inspecting slots, killing nodes). */
  client(): Cluster;
  /** The primary (`host:port`) that serves a key's slot right now. */
  primaryOf(key: string): Promise<string>;
  /** The replicas (`host:port`) of a primary right now. */
  replicasOf(primary: string): Promise<string[]>;
  /** Stops one node abruptly (SIGKILL), as a failed ElastiCache node. */
  kill(node: string): Promise<void>;
  /**
   * Starts a killed node again, empty, as ElastiCache replaces a failed node: it rejoins the cluster and, its slots
   * having moved to its promoted replica, becomes that one's replica.
   */
  restart(node: string): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  primaries?: number;
  replicasPerPrimary?: number;
  /** How long a node may be silent before the others fail it over (Redis' default is 15 s; tests want it fast). */
  nodeTimeoutMs?: number;
  password?: string;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const stopProcess = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((done) => {
    if (exited(child)) return done();
    child.once("exit", () => done());
    child.kill(signal);
  });

/**
 * A real Redis Cluster on this machine, shaped like ElastiCache in cluster mode: `primaries` primaries with
 * `replicasPerPrimary` replicas each, TLS only (`--port 0`, TLS on the cluster bus and replication too) with
 * certificates made here, and a password. Its data lives in `dir`, which `stop()` removes.
 */
export async function startRedisCluster(dir: string, options: RedisClusterOptions = {}): Promise<LocalRedisCluster> {
  // The ports are picked free, then bound by the nodes a moment later: on a busy machine another process (a test
  // running beside this one) may take one in between, and that node exits at once. Started again on fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, options);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof NodeExited)) throw e;
    }
  }
}

/** A node that exited while the cluster started (its port was taken): the start is retried on fresh ports. */
class NodeExited extends Error {}

async function startOnce(dir: string, options: RedisClusterOptions): Promise<LocalRedisCluster> {
  requireTool("redis-server", "--version", "Debian/Ubuntu: apt-get install redis-server");
  requireTool("redis-cli", "--version", "Debian/Ubuntu: apt-get install redis-tools");
  requireTool("openssl", "version", "Debian/Ubuntu: apt-get install openssl");
  const primaries = options.primaries ?? 3;
  const replicas = options.replicasPerPrimary ?? 1;
  const password = options.password ?? "hotseat-cluster-password";
  fs.mkdirSync(dir, { recursive: true });
  const certs = await makeCertificates(dir);

  const count = primaries * (1 + replicas);
  const ports: number[] = [];
  const busPorts: number[] = [];
  while (ports.length < count) {
    const [port, bus] = [await freePort(), await freePort()];
    if (!ports.includes(port) && !busPorts.includes(bus) && port !== bus) {
      ports.push(port);
      busPorts.push(bus);
    }
  }
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  const children = new Map<string, ChildProcess>();
  const argsOf = new Map<string, string[]>();
  const killed = new Set<string>();
  ports.forEach((port, i) => {
    const nodeDir = path.join(dir, String(port));
    fs.mkdirSync(nodeDir, { recursive: true });
    // biome-ignore format: one flag and its value a line
    const args = [
      "--port", "0",
      "--tls-port", String(port),
      "--bind", "127.0.0.1",
      "--tls-cert-file", certs.cert,
      "--tls-key-file", certs.key,
      "--tls-ca-cert-file", certs.ca,
      // Clients show no certificate of their own, as with ElastiCache; the nodes still verify each other's.
      "--tls-auth-clients", "no",
      "--tls-cluster", "yes",
      "--tls-replication", "yes",
      "--cluster-enabled", "yes",
      "--cluster-port", String(busPorts[i]),
      "--cluster-config-file", path.join(nodeDir, "nodes.conf"),
      "--cluster-node-timeout", String(options.nodeTimeoutMs ?? 1500),
      "--requirepass", password,
      "--masterauth", password,
      "--dir", nodeDir,
      "--save", "",
      "--appendonly", "no",
      "--daemonize", "no",
      "--logfile", path.join(nodeDir, "redis.log"),
    ];
    argsOf.set(`127.0.0.1:${port}`, args);
    children.set(`127.0.0.1:${port}`, spawn("redis-server", args, { stdio: "ignore" }));
  });

  const ca = fs.readFileSync(certs.ca, "utf8");
  const nodeClient = (node: string) => {
    const [host, port] = node.split(":");
    const client = new Redis({
      host,
      port: Number(port),
      password,
      tls: { ca: [ca] },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => {});
    return client;
  };
  const ask = async (node: string, ...command: [string, ...string[]]) => {
    const client = nodeClient(node);
    try {
      await client.connect();
      return String(await client.call(...command));
    } finally {
      client.disconnect();
    }
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (
        await check().catch((e) => {
          if (e instanceof NodeExited) throw e;
          return false;
        })
      )
        return;
      if (Date.now() > deadline)
        throw new Error(`local redis cluster: ${what} within ${timeoutMs} ms (logs in ${dir})`);
      await sleep(100);
    }
  };

  const stop = async () => {
    await Promise.all([...children.values()].map((child) => stopProcess(child, "SIGTERM")));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      nodes.map((node) =>
        waitFor(`${node} did not answer`, async () => {
          const child = children.get(node);
          if (child && exited(child)) throw new NodeExited(`local redis cluster: ${node} exited at start`);
          return (await ask(node, "PING")) === "PONG";
        }),
      ),
    );
    await run(
      "redis-cli",
      [
        "--tls",
        "--cacert",
        certs.ca,
        "--cluster",
        "create",
        ...nodes,
        "--cluster-replicas",
        String(replicas),
        "--cluster-yes",
      ],
      { env: { ...process.env, REDISCLI_AUTH: password }, timeout: 60_000 },
    );
    await waitFor("did not settle", async () => {
      for (const node of nodes) {
        const info = await ask(node, "CLUSTER", "INFO");
        if (!info.includes("cluster_state:ok") || !info.includes(`cluster_known_nodes:${count}`)) return false;
      }
      // Every replica is attached and in sync with its primary.
      for (const node of nodes) {
        const replication = await ask(node, "INFO", "replication");
        if (replication.includes("role:slave") && !replication.includes("master_link_status:up")) return false;
      }
      return true;
    });
  } catch (e) {
    await stop();
    throw e;
  }

  const url = `rediss://default:${encodeURIComponent(password)}@${nodes[0]}`;
  const connection = { url, cluster: true, tls: true, nodes, caFile: certs.ca };
  const client = () => {
    const cluster = new Cluster(
      nodes.map((node) => ({ host: "127.0.0.1", port: Number(node.split(":")[1]) })),
      { redisOptions: { password, tls: { ca: [ca] }, maxRetriesPerRequest: 2 } },
    );
    cluster.on("error", () => {});
    return cluster;
  };
  return {
    nodes,
    password,
    caFile: certs.ca,
    connection,
    env: {
      REDIS_CLUSTER_NODES: nodes.join(","),
      REDIS_TLS: "true",
      REDIS_USERNAME: "default",
      REDIS_PASSWORD: password,
      REDIS_CA_FILE: certs.ca,
    },
    client,
    async primaryOf(key) {
      // Any node still running knows the slot map (a killed one may be nodes[0]).
      const node = nodes.find((n) => !killed.has(n)) as string;
      const slot = Number(await ask(node, "CLUSTER", "KEYSLOT", key));
      const c = nodeClient(node);
      try {
        await c.connect();
        const ranges = (await c.call("CLUSTER", "SLOTS")) as [number, number, [string, number, ...unknown[]]][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`slot ${slot} is not served`);
        return `${range[2][0]}:${range[2][1]}`;
      } finally {
        c.disconnect();
      }
    },
    async replicasOf(primary) {
      const node = nodes.find((n) => !killed.has(n)) as string;
      const lines = (await ask(node, "CLUSTER", "NODES")).split("\n").filter(Boolean);
      const id = lines.find((l) => l.split(" ")[1]?.startsWith(`${primary}@`))?.split(" ")[0];
      return lines
        .map((l) => l.split(" "))
        .filter((f) => id && f[3] === id && !f[2]?.includes("fail"))
        .map((f) => (f[1] ?? "").split("@")[0] as string);
    },
    async kill(node) {
      const child = children.get(node);
      if (!child) throw new Error(`no node ${node}`);
      killed.add(node);
      await stopProcess(child, "SIGKILL");
    },
    async restart(node) {
      const args = argsOf.get(node);
      if (!args || !killed.has(node)) throw new Error(`${node} was not killed`);
      children.set(node, spawn("redis-server", args, { stdio: "ignore" }));
      await waitFor(`${node} did not come back`, async () => (await ask(node, "PING")) === "PONG");
      killed.delete(node);
      await waitFor(
        `${node} did not rejoin as a replica`,
        async () => {
          const replication = await ask(node, "INFO", "replication");
          return replication.includes("role:slave") && replication.includes("master_link_status:up");
        },
        30_000,
      );
    },
    stop,
  };
}
