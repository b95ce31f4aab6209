import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createMetrics, METRICS_NAMESPACE, recordSweep, recordWriterBatch, stageOfFunction } from "./metrics.ts";

const eventArrivedAt = (...seconds: number[]) =>
  ({
    Records: seconds.map((s) => ({ kinesis: { approximateArrivalTimestamp: s } })),
  }) as unknown as KinesisStreamEvent;

/** The EMF document Powertools would print, as CloudWatch reads it. */
const emf = (metrics: ReturnType<typeof createMetrics>) =>
  metrics.serializeMetrics() as unknown as {
    _aws: {
      CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
    };
    [field: string]: unknown;
  };

describe("HotSeat's embedded metrics", () => {
  it("name the stage SST deployed to, and fall back to local", () => {
    expect(stageOfFunction({ SST_RESOURCE_App: JSON.stringify({ name: "hotseat", stage: "prod" }) })).toBe("prod");
    expect(stageOfFunction({})).toBe("local");
    expect(stageOfFunction({ SST_RESOURCE_App: "{not json" })).toBe("local");
  });

  it("record a writer batch: orders persisted, refused records, and the oldest record's wait in the pump", () => {
    const metrics = createMetrics("writer", "prod");
    recordWriterBatch(metrics, eventArrivedAt(1_000, 1_002.5), { persisted: 180, failures: 1 }, 1_004_000);
    const doc = emf(metrics);
    const [directive] = doc._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(["Stage", "service"]));
    expect(directive?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: "OrdersPersisted", Unit: "Count" },
        { Name: "PumpRecordFailures", Unit: "Count" },
        { Name: "PumpLagMs", Unit: "Milliseconds" },
      ]),
    );
    expect(doc).toMatchObject({ Stage: "prod", service: "writer", OrdersPersisted: 180, PumpRecordFailures: 1 });
    expect(doc.PumpLagMs).toBe(4_000);
  });

  it("record a sweep: re-published orders, rebuilds, failures, and what is still pending", () => {
    const metrics = createMetrics("sweeper", "prod");
    recordSweep(metrics, { republished: 3, rehydrated: 1, failed: 0 }, { orders: 12, oldestAgeMs: 2_500 });
    expect(emf(metrics)).toMatchObject({
      OrdersRepublished: 3,
      SpaceRebuilds: 1,
      SweepFailures: 0,
      PendingOrders: 12,
      OldestPendingAgeMs: 2_500,
    });
  });
});
