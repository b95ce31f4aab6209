import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { log } from "@hotseat/core/log";
import { archiveFinishedShows } from "@hotseat/core/space";
import type { Runtime } from "./runtime.ts";

/** The space's metrics, beside the sweeper's (the fullest node's share of its memory, and bytes used). */
export const spaceMetricNames = {
  memoryPercent: "SpaceMemoryUsedPercent",
  memoryBytes: "SpaceMemoryUsedBytes",
} as const;

/**
 * The sweeper's space step: frees finished shows from the space (see `archiveFinishedShows`) and reports how full
 * the space is. A full space refuses every purchase, so the operator sees it coming (and infra alarms on it).
 */
export async function sweepSpace(rt: Pick<Runtime, "space" | "sales">, metrics?: Metrics) {
  const archive = await archiveFinishedShows(rt.space, (id) => rt.sales.showSettings(id));
  const memory = await rt.space.memory();
  if (archive.archived.length > 0 || archive.waiting.length > 0) log.info("space.archive", { ...archive });
  metrics?.addMetric(spaceMetricNames.memoryBytes, MetricUnit.Bytes, memory.usedBytes);
  if (memory.fullestPercent !== null)
    metrics?.addMetric(spaceMetricNames.memoryPercent, MetricUnit.Percent, memory.fullestPercent);
  return { archived: archive.archived.length, waiting: archive.waiting.length, memory };
}
