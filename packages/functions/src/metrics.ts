/**
 * HotSeat's own CloudWatch metrics, written as embedded metric format (EMF) log lines by Powertools: CloudWatch
 * turns each line into metrics with no API call on the buyer's path. Namespace `HotSeat`, dimension `Stage`;
 * infra/dashboard.ts graphs them. Only the Lambda handlers publish: the local stack keeps its stdout for people.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { KinesisStreamEvent } from "aws-lambda";
import type { Runtime } from "./runtime.ts";

export const METRICS_NAMESPACE = "HotSeat";

/** The metric names, in one place: the dashboard reads the same list. */
export const metricNames = {
  ordersPersisted: "OrdersPersisted",
  pumpRecordFailures: "PumpRecordFailures",
  /** How long the oldest record of a batch waited in the pump before the writer got it. */
  pumpLag: "PumpLagMs",
  pendingOrders: "PendingOrders",
  oldestPendingAge: "OldestPendingAgeMs",
  republished: "OrdersRepublished",
  rebuilds: "SpaceRebuilds",
  sweepFailures: "SweepFailures",
} as const;

/** The stage SST deployed the function to (`SST_RESOURCE_App`), so each stage's dashboard sees its own. */
export function stageOfFunction(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return String(JSON.parse(env.SST_RESOURCE_App ?? "{}").stage ?? "local");
  } catch {
    return "local";
  }
}

export function createMetrics(service: "api" | "writer" | "sweeper", stage = stageOfFunction()) {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, defaultDimensions: { Stage: stage } });
}

/** What the writer's batch did: records the pump delivered, their lag, the orders persisted and the refused. */
export function recordWriterBatch(
  metrics: Metrics,
  event: KinesisStreamEvent,
  result: { persisted: number; failures: number },
  nowMs = Date.now(),
) {
  const arrivals = event.Records.map((r) => r.kinesis.approximateArrivalTimestamp * 1000);
  metrics.addMetric(metricNames.ordersPersisted, MetricUnit.Count, result.persisted);
  metrics.addMetric(metricNames.pumpRecordFailures, MetricUnit.Count, result.failures);
  if (arrivals.length > 0)
    metrics.addMetric(metricNames.pumpLag, MetricUnit.Milliseconds, Math.max(0, nowMs - Math.min(...arrivals)));
}

/** Orders taken but not yet persisted, over every show on sale, and the age of the oldest. */
export async function pendingInSpace(rt: Pick<Runtime, "space" | "sales">, nowMs = Date.now()) {
  let orders = 0;
  let oldestAt: number | null = null;
  for (const id of await rt.space.showsOnSale()) {
    const show = await rt.sales.showSettings(id).catch(() => null);
    if (!show) continue;
    for (const shard of await rt.space.readShards(id, show.shards)) {
      orders += shard.pendingOrders;
      if (shard.oldestPendingAt !== null) oldestAt = Math.min(oldestAt ?? shard.oldestPendingAt, shard.oldestPendingAt);
    }
  }
  return { orders, oldestAgeMs: oldestAt === null ? 0 : Math.max(0, nowMs - oldestAt) };
}

/** What a sweep did, and what it left pending. */
export function recordSweep(
  metrics: Metrics,
  sweep: { republished: number; rehydrated: number; failed: number },
  pending: { orders: number; oldestAgeMs: number },
) {
  metrics.addMetric(metricNames.republished, MetricUnit.Count, sweep.republished);
  metrics.addMetric(metricNames.rebuilds, MetricUnit.Count, sweep.rehydrated);
  metrics.addMetric(metricNames.sweepFailures, MetricUnit.Count, sweep.failed);
  metrics.addMetric(metricNames.pendingOrders, MetricUnit.Count, pending.orders);
  metrics.addMetric(metricNames.oldestPendingAge, MetricUnit.Milliseconds, pending.oldestAgeMs);
}
