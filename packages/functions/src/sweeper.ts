import type { Metrics } from "@aws-lambda-powertools/metrics";
import { log } from "@hotseat/core/log";
import { readConfig } from "./config.ts";
import { createMetrics, pendingInSpace, recordSweep } from "./metrics.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { sweepSpace } from "./space-sweep.ts";

let runtime: Runtime | undefined;
let metrics: Metrics | undefined;

/** The scheduled reconciler (a Cron on AWS, a timer in the local stack). */
export const handler = async () => {
  runtime ??= createRuntime(readConfig(), { publisher: { lingerMs: 0 } });
  const result = await runtime.sales.sweep();
  await runtime.publisher.drain();
  log.info("sweeper.run", result);
  metrics ??= createMetrics("sweeper");
  recordSweep(metrics, result, await pendingInSpace(runtime));
  await sweepSpace(runtime, metrics); // finished shows archived out of the space, and its memory
  metrics.publishStoredMetrics();
  return result;
};
