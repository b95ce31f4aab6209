/**
 * What differs between stages, in one place. Everything else in infra/ is the same on every stage.
 * Pure: sst.config.ts imports it before `run()`, where `$app` does not exist yet.
 */

/** Stages that hold real sales: their data outlives `sst remove`, and the stage is protected from it. */
export const productionStages = ["prod", "production"];

export const isProductionStage = (stage: string) => productionStages.includes(stage);

export interface StageSettings {
  /**
   * Sale day. Provisioned concurrency keeps this many API instances initialised (VPC network interface attached,
   * Redis and Kinesis clients built) so the first seconds of a sale are not spent on cold starts.
   * Off (0) by default because it bills every hour it is on; raise it before a scheduled sale, lower it after.
   */
  apiPrewarm: number;
  /**
   * Sale day, the pump's side. 0 is on-demand: no capacity planning, but a new or quiet stream starts at 4 MB/s of
   * writes and only doubles its peak over minutes, too slow for a sale that opens at once. N > 0 is provisioned
   * with N shards, 1 MiB/s each, there from the first second (and billed every hour). The publisher packs orders
   * (up to 100 a record, ~320 bytes each), so a shard carries about 3,000 orders/s.
   */
  pumpShards: number;
  /**
   * The HTTP API's stage throttle (`$default` route settings): steady requests/s and burst. CloudFront answers the
   * polls, so what reaches the API is purchases, authenticated reads and one miss per edge location per max-age.
   * The default 3,000/s at ~30 ms a request keeps about 90 Lambdas busy, well inside the default 1,000 concurrency,
   * so a stampede is refused with 429 at the edge of the account instead of starving the writer and sweeper of
   * concurrency. AWS caps both at the account's own limit (10,000/s, burst 5,000 in most regions).
   */
  apiRateLimit: number;
  apiBurstLimit: number;
  /** ElastiCache node type for the space (MemoryDB: its `db.` node type, e.g. "t4g.small"). */
  spaceInstance: string;
  /** Shards (node groups) of the space's cluster. */
  spaceShards: number;
  /**
   * Replicas per shard. With one or more, a failed primary is replaced by its replica in seconds (Multi-AZ) instead of
   * the show being rebuilt from DynamoDB, and every take waits for one replica to have it (SPACE_REPLICA_ACKS, Redis
   * `WAIT`) so a promoted replica holds every acknowledged take. 0 halves the space's cost and loses that.
   */
  spaceReplicas: number;
  /**
   * `elasticache` (Valkey, asynchronous replicas: durability comes from SPACE_REPLICA_ACKS) or `memorydb` (a
   * Multi-AZ transaction log: every write is durable before it is acknowledged, so no WAIT; dearer and slower writes).
   */
  spaceEngine: SpaceEngine;
}

export type SpaceEngine = "elasticache" | "memorydb";

/** SPACE_REPLICA_ACKS for a stage: one replica's acknowledgement where there are replicas; MemoryDB needs none. */
export const replicaAcksFor = (s: Pick<StageSettings, "spaceReplicas" | "spaceEngine">) =>
  s.spaceEngine === "memorydb" ? 0 : Math.min(1, s.spaceReplicas);

const defaults: StageSettings = {
  apiPrewarm: 0,
  apiRateLimit: 3000,
  apiBurstLimit: 1500,
  pumpShards: 0,
  spaceInstance: "t4g.micro",
  spaceShards: 1,
  spaceReplicas: 1,
  spaceEngine: "elasticache",
};

const perStage: Record<string, Partial<StageSettings>> = {
  // Before a sale, for example (reach pumpShards by doubling steps, one deploy each: see infra/sale-day.ts):
  //   prod: { apiPrewarm: 150, apiRateLimit: 8000, apiBurstLimit: 4000, pumpShards: 20, spaceInstance: "r7g.large", spaceShards: 2 },
};

const wholeNumberFromEnvironment = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
};

const spaceEngineFromEnvironment = (): SpaceEngine | undefined => {
  const raw = process.env.HOTSEAT_SPACE_ENGINE;
  if (raw === undefined || raw === "") return undefined;
  if (raw !== "elasticache" && raw !== "memorydb")
    throw new Error(`HOTSEAT_SPACE_ENGINE must be elasticache or memorydb, got "${raw}"`);
  return raw;
};

export function stageSettings(stage: string): StageSettings {
  const chosen = { ...defaults, ...perStage[stage] };
  // One-offs for the deploy before a sale, without a commit:
  //   HOTSEAT_API_PREWARM=50 HOTSEAT_PUMP_SHARDS=20 pnpm sst deploy --stage prod
  return {
    ...chosen,
    apiPrewarm: wholeNumberFromEnvironment("HOTSEAT_API_PREWARM") ?? chosen.apiPrewarm,
    apiRateLimit: wholeNumberFromEnvironment("HOTSEAT_API_RATE_LIMIT") ?? chosen.apiRateLimit,
    apiBurstLimit: wholeNumberFromEnvironment("HOTSEAT_API_BURST_LIMIT") ?? chosen.apiBurstLimit,
    pumpShards: wholeNumberFromEnvironment("HOTSEAT_PUMP_SHARDS") ?? chosen.pumpShards,
    spaceReplicas: wholeNumberFromEnvironment("HOTSEAT_SPACE_REPLICAS") ?? chosen.spaceReplicas,
    spaceEngine: spaceEngineFromEnvironment() ?? chosen.spaceEngine,
  };
}
