/**
 * The pump's sale-day resharding, as deploys that each stay within Kinesis's limits. Pure: tests and README check it.
 * UpdateShardCount at most doubles (or halves) a stream per call and runs at most ten times per rolling 24 hours per
 * stream; a stream switches capacity mode (on-demand ↔ provisioned) at most twice per 24 hours.
 */
export const KINESIS = {
  /** An on-demand stream's write capacity when new or quiet: 4 shards' worth. */
  onDemandShards: 4,
  scalingsPerDay: 10,
  modeSwitchesPerDay: 2,
} as const;

/** Shard counts from `from` to `to`, each step at most double or at least half the one before. */
export function reshardSteps(from: number, to: number): number[] {
  for (const [name, n] of [
    ["from", from],
    ["to", to],
  ] as const)
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of shards, got ${n}`);
  const steps: number[] = [];
  for (let at = from; at !== to; steps.push(at)) at = to > at ? Math.min(to, at * 2) : Math.max(to, Math.ceil(at / 2));
  return steps;
}

export interface PumpDeploy {
  /** The `HOTSEAT_PUMP_SHARDS` of this deploy; 0 is on-demand. */
  pumpShards: number;
  /** What Kinesis does for it. */
  change: "switch to provisioned" | "reshard" | "switch to on-demand";
}

/**
 * From an on-demand stream that now has `currentShards` open shards (4 unless it scaled itself) to `target`
 * provisioned shards before the sale, and back to on-demand after it: the first deploy only switches the mode (the
 * stream keeps its shards), then one deploy per doubling. Both mode switches of the day are spent.
 */
export function saleDayPumpPlan(target: number, currentShards: number = KINESIS.onDemandShards) {
  const before: PumpDeploy[] = [
    { pumpShards: currentShards, change: "switch to provisioned" },
    ...reshardSteps(currentShards, target).map((pumpShards) => ({ pumpShards, change: "reshard" as const })),
  ];
  const after: PumpDeploy[] = [{ pumpShards: 0, change: "switch to on-demand" }];
  const scalings = before.filter((d) => d.change === "reshard").length;
  if (scalings > KINESIS.scalingsPerDay)
    throw new Error(`${scalings} reshards exceed Kinesis's ${KINESIS.scalingsPerDay} a day: spread them over days`);
  return { before, after, scalings, modeSwitches: 2 };
}
