import type { PublisherOptions } from "@hotseat/core/pump";
import type { PollerOptions } from "@hotseat/local/poller";

export interface HotSeatChildOptions {
  /** Where the writer runs: in the API process, in its own process as on AWS and `pnpm start` (the bench default), or nowhere. */
  writer?: "in-process" | "separate" | "none";
  streamShards?: number;
  poller?: Partial<PollerOptions>;
  publisher?: PublisherOptions;
  /** The key the API verifies buyer tokens with: the bench signs its buyers in with it. */
  buyerTokenKey?: string;
  /** Simulated DynamoDB partition and Kinesis shard limits between the stack and its emulators. */
  awsLimits?: boolean;
}

export interface HotSeatInfo {
  url: string;
  adminToken: string;
  /** api, redis, writer (when apart) and the emulator processes by name. */
  pids: Record<string, number>;
}

export interface EmulatorOpStats {
  calls: number;
  totalMs: number;
  maxMs: number;
}

export interface EmulatorStats {
  traffic: { kinesis: Record<string, EmulatorOpStats>; dynamo: Record<string, EmulatorOpStats> };
  cpu: { user: number; system: number };
  memory: { rss: number };
  pid: number;
  /** The emulator processes (one, or kinesalite and dynalite apart when split). */
  processes: { name: string; pid: number }[];
}

export interface HotSeatCounters {
  at: number;
  purchaseCalls: number;
  accepted: number;
  persisted: number;
  lastAckAt: number;
  lastPersistAt: number;
  /** Commands this process sent to Redis, by name (`evalsha:<script>` for the space's scripts). */
  redisClient: Record<string, number>;
  redisSocketWrites: number;
  /** INFO commandstats calls per command: what Redis executed, commands inside Lua included. */
  redisServer: Record<string, number>;
  /** Commands the bench's own probe connection sent (to subtract from `redisServer`). */
  probeCommands: Record<string, number>;
  emulators: EmulatorStats;
  publisherPutCalls: number;
  /** Kinesis records the publisher sent, and the orders packed into them. */
  publisherRecords: number;
  publisherOrders: number;
  pollerInvocations: number;
  pollerRecords: number;
  cpu: { user: number; system: number };
  memory: { rss: number };
}

export interface StackSample {
  at: number;
  remaining: number;
  sold: number;
  pendingOrders: number;
  /** Purchases this API process acknowledged so far. */
  accepted: number;
  rssMb: number;
}

export interface NaiveInfo {
  url: string;
  showId: string;
  pids: Record<string, number>;
}

export interface NaiveCounters {
  at: number;
  accepted: number;
  lastAckAt: number;
  emulators: EmulatorStats;
}
