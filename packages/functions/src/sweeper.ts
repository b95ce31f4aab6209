import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { log } from "@hotseat/core/log";
import { readConfig } from "./config.ts";
import { createMetrics, pendingInSpace, recordSweep } from "./metrics.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { sweepSpace } from "./space-sweep.ts";

let runtime: Runtime | undefined;
let metrics: Metrics | undefined;

/** Owed provider refunds, tried again (see `RefundLedger`). */
export async function retryRefunds(rt: Runtime): Promise<{ refundsRetried: number; refundsOwed: number }> {
  const { refunded, owed } = await rt.refunds.retryOwed(rt.payments);
  return { refundsRetried: refunded, refundsOwed: owed };
}

/** The scheduled reconciler (a Cron on AWS, a timer in the local stack). */
export const handler = async () => {
  runtime ??= createRuntime(readConfig(), { publisher: { lingerMs: 0 } });
  const result = { ...(await runtime.sales.sweep()), ...(await retryRefunds(runtime)) };
  await runtime.publisher.drain();
  log.info("sweeper.run", result);
  metrics ??= createMetrics("sweeper");
  recordSweep(metrics, result, await pendingInSpace(runtime));
  // The stale backlog this run did not reach (its budget ran out or the pump refused): the next run's.
  metrics.addMetric("SweepBacklogLeft", MetricUnit.Count, result.left);
  // Provider refunds that failed and are still owed to buyers (retried every run until they succeed).
  metrics.addMetric("RefundsOwed", MetricUnit.Count, result.refundsOwed);
  await sweepSpace(runtime, metrics); // finished shows archived out of the space, and its memory
  metrics.publishStoredMetrics();
  return result;
};
