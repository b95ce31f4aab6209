import type { LimitCounts } from "@hotseat/local/aws-limits";
import type { LoadPhase, SaleResult, TargetCheck } from "./result.ts";
import type { SpaceCostResult } from "./space-cost.ts";

/** What a purchase costs where AWS bills it: the API's CPU against a request that does nothing, and Lambda's view. */
export interface ApiCost {
  /** API process CPU per acknowledged purchase during the sale (signed-in buyer, first sight of its token). */
  purchaseCpuMicros: number;
  /** Server CPU per `POST /echo` (parses a JSON body) in the same run, the mean of before and after. */
  echoCpuMicros: number;
  ratio: number;
  /**
   * Inside `Sales.purchase` (what a Lambda invocation's duration holds beyond routing and the token
   * check), mean ms: the whole purchase, the take script, and the pump publish it waits on.
   */
  lambda: { purchaseMeanMs: number; takeMeanMs: number; publishMeanMs: number; publishShare: number } | null;
}

export function apiCost(sale: SaleResult, ceilingRuns: LoadPhase[]): ApiCost {
  const echo = ceilingRuns.filter((r) => r.name.includes("POST")).map((r) => r.cpuMicrosPerRequest.server ?? 0);
  const echoCpuMicros = Math.round(echo.reduce((a, b) => a + b, 0) / Math.max(1, echo.length));
  const purchaseCpuMicros = sale.cpuMicrosPerOrder.api ?? 0;
  const st = sale.stages;
  const lambda =
    st?.purchase && st.take && st.publish
      ? {
          purchaseMeanMs: st.purchase.mean,
          takeMeanMs: st.take.mean,
          publishMeanMs: st.publish.mean,
          // Of an accepted purchase's time in the space and the pump, the share spent waiting on the pump.
          publishShare: Math.round((100 * st.publish.mean) / Math.max(1e-9, st.take.mean + st.publish.mean)) / 100,
        }
      : null;
  return {
    purchaseCpuMicros,
    echoCpuMicros,
    ratio: Math.round((100 * purchaseCpuMicros) / Math.max(1, echoCpuMicros)) / 100,
    lambda,
  };
}

export interface AwsLimitsReport {
  hotseat: { kinesis: LimitCounts | null; dynamo: LimitCounts } | null;
  naive: { kinesis: LimitCounts | null; dynamo: LimitCounts } | null;
}

function check(name: string, target: string, value: number | null, ok: (v: number) => boolean): TargetCheck {
  return { name, target, value, met: value === null ? null : ok(value) };
}

export function costTargets(space: SpaceCostResult | null, api: ApiCost): TargetCheck[] {
  return [
    check("space: Redis CPU µs per order", "≤ 20", space?.total.redisCpuMicrosPerOrder ?? null, (v) => v <= 20),
    check("space: Redis commands per order", "≤ 8", space?.total.commandsPerOrder ?? null, (v) => v <= 8),
    check("API CPU per purchase / POST /echo", "≤ 4", api.ratio, (v) => v <= 4),
  ];
}

const n = (v: number | null | undefined, d = 0) =>
  v === null || v === undefined ? "–" : v.toLocaleString("en-US", { maximumFractionDigits: d });

export function costSummary(space: SpaceCostResult | null, api: ApiCost, limits: AwsLimitsReport | null): string[] {
  const lines: string[] = [];
  if (space) {
    lines.push(
      `  space, one hot show        ${n(space.total.redisCpuMicrosPerOrder, 1)} µs Redis CPU and ${n(space.total.commandsPerOrder, 1)} commands per order → ${n(space.total.ordersPerSecPerCore)} orders/s per Redis core; ceiling DECRBY ${n(space.ceiling.redisCpuMicrosPerOp, 1)} µs (${n(space.ceiling.opsPerSecPerCore)}/s per core), ratio ${n(space.ratio, 3)}`,
      ...space.parts.map(
        (p) =>
          `    ${p.name.padEnd(24)} ${n(p.redisCpuMicrosPerOrder, 1)} µs, ${n(p.commandsPerOrder, 2)} commands per order (${Object.entries(
            p.commands,
          )
            .filter(([, c]) => c.perOrder >= 0.01)
            .map(([cmd, c]) => `${cmd} ${n(c.perOrder, 2)}×${n(c.usecPerCall, 1)} µs`)
            .join(", ")})`,
      ),
      `    take script alone         ${n(space.take.ordersPerSec)} orders/s from ${space.clients} clients × ${space.inFlightPerClient} pipelined (${n(space.take.ordersPerSecPerCore)}/s per Redis core)`,
    );
  }
  lines.push(
    `  API CPU per purchase       ${n(api.purchaseCpuMicros)} µs vs ${n(api.echoCpuMicros)} µs per POST /echo: ${n(api.ratio, 2)}×`,
  );
  if (api.lambda)
    lines.push(
      `    Lambda's view (mean)      Sales.purchase ${n(api.lambda.purchaseMeanMs, 2)} ms (refusals after the sell-out included); an accepted one: take ${n(api.lambda.takeMeanMs, 2)} ms, then waiting on the pump ${n(api.lambda.publishMeanMs, 2)} ms (${n(100 * api.lambda.publishShare)}% of the two)`,
    );
  if (limits) {
    const c = (x: { kinesis: LimitCounts | null; dynamo: LimitCounts } | null) =>
      x
        ? `DynamoDB ${n(x.dynamo.passed)} passed / ${n(x.dynamo.throttled)} throttled${x.kinesis ? `, Kinesis ${n(x.kinesis.passed)} / ${n(x.kinesis.throttled)}` : ""}`
        : "–";
    lines.push(`  SIMULATED AWS limits       HotSeat: ${c(limits.hotseat)}; naive: ${c(limits.naive)}`);
  }
  return lines;
}
