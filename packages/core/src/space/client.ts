import { Cluster, Redis } from "ioredis";
import { log } from "../log/index.ts";
import {
  CHANGE_ORDER,
  CONFIRM_PERSISTED,
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
  loadShard: Call;
  freezeShard: Call;
  readShard: Call;
  reclaimHolds: Call;
  changeOrder: Call;
};

export interface SpaceConnection {
  url: string;
  /** ElastiCache in cluster mode: a `Redis.Cluster` over TLS. */
  cluster?: boolean;
  tls?: boolean;
}

/**
 * One client per process, created at module scope by the caller and reused across
 * invocations: a connection per request would exhaust Redis at the peak.
 */
export function createSpaceClient(conn: SpaceConnection): SpaceClient {
  const common = { enableAutoPipelining: true, maxRetriesPerRequest: 2 };
  let client: Redis | Cluster;
  if (conn.cluster) {
    const u = new URL(conn.url);
    client = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
      ...common,
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: {
        username: u.username ? decodeURIComponent(u.username) : undefined,
        password: u.password ? decodeURIComponent(u.password) : undefined,
        tls: conn.tls ? {} : undefined,
      },
    });
  } else {
    client = new Redis(conn.url, { ...common, tls: conn.tls ? {} : undefined });
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
    confirmPersisted: [2, CONFIRM_PERSISTED],
    loadShard: [1, LOAD_SHARD],
    freezeShard: [1, FREEZE_SHARD],
    readShard: [3, READ_SHARD],
  } as const;
  for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) client.defineCommand(name, { numberOfKeys, lua });
  return client as SpaceClient;
}
