import type { Metrics } from "@aws-lambda-powertools/metrics";
import { ElectroProjectionStore } from "@hotseat/core/db";
import { log } from "@hotseat/core/log";
import { type PumpMessage, projectBatch } from "@hotseat/core/projection";
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { readConfig } from "./config.ts";
import { createMetrics, recordWriterBatch } from "./metrics.ts";
import { createRuntime, type Runtime } from "./runtime.ts";

let runtime: Runtime | undefined;
let metrics: Metrics | undefined;

export const toMessages = (event: KinesisStreamEvent): PumpMessage[] =>
  event.Records.map((r) => ({
    id: r.kinesis.sequenceNumber,
    data: Buffer.from(r.kinesis.data, "base64").toString("utf8"),
  }));

/** Projects a pump batch; a record it cannot take is named in `batchItemFailures` (bisect and retry do the rest). */
export async function writeBatch(
  rt: Runtime,
  event: KinesisStreamEvent,
  metrics?: Metrics,
): Promise<KinesisStreamBatchResponse> {
  const result = await projectBatch({ store: new ElectroProjectionStore(rt.db), space: rt.space }, toMessages(event));
  if (metrics) recordWriterBatch(metrics, event, { persisted: result.persisted, failures: result.failures.length });
  for (const f of result.failures) log.warn("writer.record_failed", { sequenceNumber: f.id, reason: f.reason });
  log.info("writer.batch", {
    records: event.Records.length,
    persisted: result.persisted,
    failed: result.failures.length,
    correlationIds: result.correlationIds,
    ...(result.traceIds.length > 0 ? { traceIds: result.traceIds } : {}),
  });
  return { batchItemFailures: result.failures.map((f) => ({ itemIdentifier: f.id })) };
}

export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  runtime ??= createRuntime(readConfig());
  metrics ??= createMetrics("writer");
  try {
    return await writeBatch(runtime, event, metrics);
  } finally {
    metrics.publishStoredMetrics();
  }
};
