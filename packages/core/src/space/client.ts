import fs from "node:fs";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { log } from "../log/index.ts";
import {
  ACQUIRE_LOCK,
  ARCHIVE_SHARD,
  CHANGE_ORDER,
  CONFIRM_PERSISTED,
  CREDIT_RELEASED,
  CREDIT_STOCK,
  FREEZE_SHARD,
  LEND_STOCK,
  LOAD_SHARD,
  READ_SHARD,
  RECLAIM_HOLDS,
  TAKE_TICKETS,
} from "./scripts.ts";

type Call = (...args: (string | number)[]) => Promise<unknown>;
export type SpaceClient = (Redis | Cluster) & {
  takeTickets: Call;
  lendStock: Call;
  creditStock: Call;
  confirmPersisted: Call;
  creditReleased: Call;
  loadShard: Call;
  freezeShard: Call;
  readShard: Call;
  reclaimHolds: Call;
  changeOrder: Call;
  archiveShard: Call;
  acquireLock: Call;
};

export interface SpaceConnection {
  /** `redis[s]://[user:password@]host:port`: the node, or for a cluster the first node asked for the slot map. */
  url: string;
  /** ElastiCache in cluster mode (or a local Redis Cluster): a `Redis.Cluster`. */
  cluster?: boolean;
  /** More cluster nodes (`host:port`) to ask for the slot map when the first does not answer. */
  nodes?: string[];
  tls?: boolean;
  /** A CA certificate (PEM file) to trust besides the system's, for a cluster with self-signed certificates. */
  caFile?: string;
}

/** A command against a dead node fails after this many reconnects instead of waiting out the Lambda's timeout. */
const MAX_RETRIES_PER_REQUEST = 2;

const hostAndPort = (node: string) => {
  const at = node.lastIndexOf(":");
  if (at <= 0) throw new Error(`a cluster node is host:port, got "${node}"`);
  const port = Number(node.slice(at + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`a cluster node is host:port, got "${node}"`);
  return { host: node.slice(0, at), port };
};

function connectionOptions(conn: SpaceConnection, u: URL) {
  return {
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: conn.tls ? (conn.caFile ? { ca: [fs.readFileSync(conn.caFile, "utf8")] } : {}) : undefined,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    connectTimeout: 2000,
  } satisfies RedisOptions;
}

/**
 * One client per process, created at module scope by the caller and reused across
 * invocations: a connection per request would exhaust Redis at the peak.
 */
export function createSpaceClient(conn: SpaceConnection): SpaceClient {
  const u = new URL(conn.url);
  const perConnection = connectionOptions(conn, u);
  let client: Redis | Cluster;
  if (conn.cluster) {
    const seeds = [`${u.hostname}:${u.port || 6379}`, ...(conn.nodes ?? [])];
    client = new Cluster([...new Set(seeds)].map(hostAndPort), {
      enableAutoPipelining: true,
      // Per-connection settings (AUTH, TLS, the retry bound) live in redisOptions: at the top level the Cluster
      // ignores them.
      redisOptions: perConnection,
      // ElastiCache's TLS certificates name the nodes' DNS names, so connect by name rather than by resolved address.
      dnsLookup: (address, callback) => callback(null, address),
      slotsRefreshTimeout: 2000,
      // Keep looking for the cluster (a failover takes seconds) rather than giving up on it for the process's life.
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    } satisfies ClusterOptions);
  } else {
    client = new Redis(conn.url, { enableAutoPipelining: true, ...perConnection } satisfies RedisOptions);
  }
  // Without a listener ioredis prints every failed reconnect; one line per outage is enough.
  let lastLogged = 0;
  client.on("error", (e: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    log.warn("space.connection_error", { error: e.message });
  });
  const scripts = {
    takeTickets: [7, TAKE_TICKETS],
    reclaimHolds: [5, RECLAIM_HOLDS],
    changeOrder: [5, CHANGE_ORDER],
    lendStock: [2, LEND_STOCK],
    creditStock: [2, CREDIT_STOCK],
    confirmPersisted: [3, CONFIRM_PERSISTED],
    creditReleased: [1, CREDIT_RELEASED],
    loadShard: [1, LOAD_SHARD],
    freezeShard: [1, FREEZE_SHARD],
    readShard: [4, READ_SHARD],
    archiveShard: [9, ARCHIVE_SHARD],
    acquireLock: [2, ACQUIRE_LOCK],
  } as const;
  for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) client.defineCommand(name, { numberOfKeys, lua });
  return client as SpaceClient;
}
