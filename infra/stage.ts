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
  /** ElastiCache node type for the space. */
  spaceInstance: string;
  /** Shards (node groups) of the space's cluster. */
  spaceShards: number;
}

const defaults: StageSettings = { apiPrewarm: 0, pumpShards: 0, spaceInstance: "t4g.micro", spaceShards: 1 };

const perStage: Record<string, Partial<StageSettings>> = {
  // Before a sale, for example: prod: { apiPrewarm: 50, pumpShards: 20, spaceInstance: "r7g.large", spaceShards: 2 },
};

const wholeNumberFromEnvironment = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
};

export function stageSettings(stage: string): StageSettings {
  const chosen = { ...defaults, ...perStage[stage] };
  // One-offs for the deploy before a sale, without a commit:
  //   HOTSEAT_API_PREWARM=50 HOTSEAT_PUMP_SHARDS=20 pnpm sst deploy --stage prod
  return {
    ...chosen,
    apiPrewarm: wholeNumberFromEnvironment("HOTSEAT_API_PREWARM") ?? chosen.apiPrewarm,
    pumpShards: wholeNumberFromEnvironment("HOTSEAT_PUMP_SHARDS") ?? chosen.pumpShards,
  };
}
