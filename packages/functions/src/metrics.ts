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
  /** The API's side of the sale: what buyers got. */
  ordersAccepted: "OrdersAccepted",
  purchasesRefused: "PurchasesRefused",
  paymentsConfirmed: "PaymentsConfirmed",
  rateLimited: "RateLimited",
  unavailable: "Unavailable503",
} as const;

/**
 * What one API answer counts for, if anything: purchases and payments by outcome, 429s and 503s.
 * Polls and page loads count for nothing, so they write no metric line.
 */
export function apiMetricOf(method: string, path: string, status: number): string | null {
  if (status === 503) return metricNames.unavailable;
  if (status === 429) return metricNames.rateLimited;
  if (method !== "POST") return null;
  if (/^\/shows\/[^/]+\/orders$/.test(path))
    return status === 201 ? metricNames.ordersAccepted : status >= 400 ? metricNames.purchasesRefused : null;
  if (/^\/orders\/[^/]+\/test-payment$/.test(path) || path === "/webhooks/stripe")
    return status === 200 ? metricNames.paymentsConfirmed : null;
  return null;
}

/** The stage SST deployed the function to (`SST_RESOURCE_App`), so each stage's dashboard sees its own. */
export function stageOfFunction(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return String(JSON.parse(env.SST_RESOURCE_App ?? "{}").stage ?? "local");
  } catch {
    return "local";
  }
}

/** Counts one API answer (see `apiMetricOf`); true when there is something to publish. */
export function recordApiAnswer(metrics: Metrics, method: string, path: string, status: number): boolean {
  const name = apiMetricOf(method, path, status);
  if (name) metrics.addMetric(name, MetricUnit.Count, 1);
  return name !== null;
}

/**
 * The same metric names, counted in one process since it started: the local stack's admin console
 * shows them, as the stage dashboard shows the EMF ones.
 */
export class ProcessMetrics {
  private readonly counts: Record<string, number> = {};
  readonly since = new Date().toISOString();

  constructor(private readonly sample: () => Promise<Record<string, number>> = async () => ({})) {}

  /** Counts one API answer (see `apiMetricOf`). */
  answer(method: string, path: string, status: number): void {
    const name = apiMetricOf(method, path, status);
    if (name) this.add(name);
  }

  add(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  /** The counts, with the gauges `sample` reads now (pending orders, rebuilds). */
  async snapshot(): Promise<{ since: string; metrics: Record<string, number> }> {
    return { since: this.since, metrics: { ...this.counts, ...(await this.sample()) } };
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
