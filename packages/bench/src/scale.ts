import type { BuyerTokens } from "@hotseat/core/buyer";
import { BuyerPool } from "./buyers.ts";
import { type BenchChild, spawnChild } from "./child.ts";
import { runClosedLoop } from "./load.ts";
import { watchProcesses } from "./proc.ts";

/** The same sale with more API processes against one Redis (and the same pump and table). */
export interface ScaleStep {
  processes: number;
  capacity: number;
  sold: number;
  ordersPerSec: number;
  /** CPU per order, µs: all API processes together, one on average, and Redis. */
  apiCpuMicrosPerOrder: number;
  perProcessCpuMicrosPerOrder: number;
  redisCpuMicrosPerOrder: number;
  /** Share of a core each API process used, on average. */
  apiCoresPerProcess: number;
  p99Ms: number;
}

export async function runScale(o: {
  runtimeConfig: unknown;
  adminToken: string;
  tokens: BuyerTokens;
  capacity: number;
  connections: number;
  redisPid: number;
  steps?: number[];
  maxMs: number;
  log: (line: string) => void;
}): Promise<ScaleStep[]> {
  const out: ScaleStep[] = [];
  for (const k of o.steps ?? [1, 2, 4, 8]) {
    const apis: BenchChild<{ url: string; pid: number }>[] = [];
    try {
      for (let i = 0; i < k; i++) apis.push(await spawnChild("api", [JSON.stringify(o.runtimeConfig)]));
      const first = apis[0]?.info.url ?? "";
      const admin = { authorization: `Bearer ${o.adminToken}`, "content-type": "application/json" };
      const created = await fetch(`${first}/admin/shows`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({
          name: `Scale ${k}`,
          venue: "Bench Arena",
          startsAt: "2030-01-01T20:00:00Z",
          capacity: o.capacity,
          priceCents: 0,
          maxPerCustomer: 4,
        }),
      });
      const showId = ((await created.json()) as { show: { id: string } }).show.id;
      await fetch(`${first}/admin/shows/${showId}/preload`, { method: "POST", headers: admin });
      const buyers = await BuyerPool.signIn(o.tokens, o.capacity + o.connections, `scale${k}`);
      const pids: Record<string, number> = { redis: o.redisPid };
      apis.forEach((a, i) => {
        pids[`api${i}`] = a.pid;
      });
      const watch = watchProcesses(pids);
      const started = performance.now();
      const recs = await Promise.all(
        apis.map((a) =>
          runClosedLoop({
            url: a.info.url,
            method: "POST",
            path: `/shows/${showId}/orders`,
            headers: { "content-type": "application/json", "idempotency-key": "k-[<id>]" },
            body: JSON.stringify({ quantity: 1 }),
            connections: Math.max(1, Math.round(o.connections / k)),
            maxDurationMs: o.maxMs,
            stopAfterStatus: { status: 409, afterMs: 300 },
            authorization: () => buyers.authorization(),
          }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const w = watch.stop();
      const sold = recs.reduce((s, r) => s + (r.statusCounts()["201"] ?? 0), 0);
      const apiCpu = Object.entries(w.cpuSeconds)
        .filter(([name]) => name.startsWith("api"))
        .reduce((s, [, v]) => s + v, 0);
      const latencies = recs.flatMap((r) => Array.from(r.latencies));
      latencies.sort((a, b) => a - b);
      const step: ScaleStep = {
        processes: k,
        capacity: o.capacity,
        sold,
        ordersPerSec: Math.round(sold / seconds),
        apiCpuMicrosPerOrder: Math.round((apiCpu * 1e6) / Math.max(1, sold)),
        perProcessCpuMicrosPerOrder: Math.round((apiCpu * 1e6) / Math.max(1, sold) / k),
        redisCpuMicrosPerOrder: Math.round(((w.cpuSeconds.redis ?? 0) * 1e6) / Math.max(1, sold)),
        apiCoresPerProcess: Math.round((100 * apiCpu) / k / seconds) / 100,
        p99Ms: Math.round(latencies[Math.floor(0.99 * (latencies.length - 1))] ?? 0),
      };
      o.log(
        `  ${k} API processes: ${step.ordersPerSec} orders/s, ${step.apiCpuMicrosPerOrder} µs API CPU per order, ${step.apiCoresPerProcess} cores each, p99 ${step.p99Ms} ms`,
      );
      out.push(step);
    } finally {
      await Promise.all(apis.map((a) => a.stop()));
    }
  }
  return out;
}
