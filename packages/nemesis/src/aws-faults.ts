import type { FaultPolicy, ProxiedCall, Verdict } from "@hotseat/local/fault-proxy";
import type { Rng } from "./rng.ts";

/**
 * The fault proxies' policies, switched by the scheduler: each fault is a window during which the
 * proxy misbehaves as AWS documents its services may. Outside a window every call passes.
 */

type Window = { until: number };
const open = (w: Window | null, now: number) => w !== null && now < w.until;

const throttle = (message: string): Verdict => ({
  kind: "error",
  status: 400,
  type: "ProvisionedThroughputExceededException",
  message,
});

// biome-ignore lint/suspicious/noExplicitAny: DynamoDB JSON
type Item = Record<string, any>;
const keyOf = (item: Item | undefined) => (item ? `${item.pk?.S}|${item.sk?.S}` : null);

/** The keys a DynamoDB write call touches, for the lagging index to hide. */
function writtenKeys(call: ProxiedCall): string[] {
  const b = call.body ?? {};
  const keys: (string | null)[] = [];
  switch (call.operation) {
    case "PutItem":
      keys.push(keyOf(b.Item));
      break;
    case "UpdateItem":
    case "DeleteItem":
      keys.push(keyOf(b.Key));
      break;
    case "BatchWriteItem":
      for (const requests of Object.values(b.RequestItems ?? {}) as Item[][])
        for (const r of requests) keys.push(keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
      break;
    case "TransactWriteItems":
      for (const t of (b.TransactItems ?? []) as Item[])
        keys.push(keyOf(t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key));
      break;
  }
  return keys.filter((k): k is string => k !== null);
}

const writes = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

export class DynamoFaults {
  unprocessed: Window | null = null;
  throttling: (Window & { rate: number }) | null = null;
  indexLag: (Window & { lagMs: number }) | null = null;
  private readonly writtenAt = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  policy(): FaultPolicy {
    return {
      onRequest: (call) => {
        if (writes.has(call.operation)) for (const k of writtenKeys(call)) this.writtenAt.set(k, call.receivedAt);
        const now = call.receivedAt;
        if (call.operation === "BatchWriteItem" && open(this.unprocessed, now)) {
          const n = Object.values(call.body?.RequestItems ?? {}).reduce((s: number, r) => s + (r as []).length, 0);
          const keep = Array.from({ length: n }, (_, i) => i).filter(() => this.rng.chance(0.4));
          return { kind: "partial", keep };
        }
        const t = this.throttling;
        if (t && open(t, now) && (writes.has(call.operation) || call.operation === "Query") && this.rng.chance(t.rate))
          return throttle("The level of configured provisioned throughput for the table was exceeded");
        return undefined;
      },
      onResponse: (call, answer) => {
        const lag = this.indexLag;
        if (call.operation !== "Query" || !call.body?.IndexName || !lag || !open(lag, call.receivedAt)) return answer;
        // An index is eventually consistent: rows written less than `lagMs` ago are not in it yet.
        const visible = ((answer.Items ?? []) as Item[]).filter((item) => {
          const at = this.writtenAt.get(keyOf(item) ?? "");
          return at === undefined || call.receivedAt - at >= lag.lagMs;
        });
        return { ...answer, Items: visible, Count: visible.length };
      },
    };
  }
}

export class KinesisFaults {
  outage: Window | null = null;
  partial: Window | null = null;
  /**
   * PutRecords calls received in the window are held for `holdMs` and then delivered, whether or not
   * their sender still waits: a network that stalls a request past the publisher's budget and still
   * delivers it (the publisher answered 503 and moved on; Kinesis takes the records anyway).
   */
  late: (Window & { holdMs: number }) | null = null;
  constructor(private readonly rng: Rng) {}

  policy(): FaultPolicy {
    return {
      onRequest: (call) => {
        const now = call.receivedAt;
        if (open(this.outage, now)) {
          if (call.operation === "PutRecords" || call.operation === "PutRecord")
            return this.rng.chance(0.5)
              ? { kind: "drop" }
              : { kind: "error", status: 503, type: "ServiceUnavailable", message: "the pump is down" };
          if (call.operation === "GetRecords")
            return { kind: "error", status: 503, type: "ServiceUnavailable", message: "the pump is down" };
        }
        const late = this.late;
        if (call.operation === "PutRecords" && late && open(late, now)) return { kind: "delay", ms: late.holdMs };
        if (call.operation === "PutRecords" && open(this.partial, now)) {
          const n = (call.body?.Records ?? []).length as number;
          return { kind: "partial", keep: Array.from({ length: n }, (_, i) => i).filter(() => this.rng.chance(0.5)) };
        }
        return undefined;
      },
    };
  }
}
