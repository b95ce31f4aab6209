import fs from "node:fs";
import path from "node:path";
import { renderHtml } from "./html.ts";
import type { BenchResult } from "./result.ts";

/** Writes `<stamp>.json` and `<stamp>.html` (and `latest.*` copies); returns their paths. */
export function writeResults(r: BenchResult, outDir: string) {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = `${r.startedAt.replace(/[:.]/g, "-")}-${r.config.mode}`;
  const json = path.join(outDir, `${stamp}.json`);
  const html = path.join(outDir, `${stamp}.html`);
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(html, renderHtml(r));
  fs.copyFileSync(json, path.join(outDir, `latest-${r.config.mode}.json`));
  fs.copyFileSync(html, path.join(outDir, `latest-${r.config.mode}.html`));
  return { json, html };
}

const n = (v: number | null | undefined, d = 0) =>
  v === null || v === undefined ? "–" : v.toLocaleString("en-US", { maximumFractionDigits: d });

import { costSummary } from "./costs.ts";

export function summary(r: BenchResult): string {
  const s = r.hotseat.sale;
  const nv = r.naive.sale;
  const lines = [
    "",
    `HotSeat bench (${r.config.mode}) — ${r.machine.cpus} cores, Node ${r.machine.node}, load ${r.machine.loadAverageStart.join("/")}`,
    "",
    `  ceiling (hello-world GET)   ${n(r.ceiling.requestsPerSec)} req/s   (POST /echo ${n(r.ceiling.postRequestsPerSec)} req/s)`,
    `    server CPU per request    ${r.ceiling.runs.map((c) => `${c.name.replace("ceiling ", "")} ${n(c.cpuMicrosPerRequest.server)} µs`).join(", ")}`,
    `  HotSeat purchases           ${n(s.ordersPerSec)} orders/s (peak 1 s ${n(s.peakOrdersPerSec)}), ${n(s.capacity)} tickets in ${n(s.sellOutMs / 1000, 2)} s`,
    `    latency p50/p95/p99       ${s.orderLatency.p50} / ${s.orderLatency.p95} / ${s.orderLatency.p99} ms (${s.connections} in flight)`,
    `    at half the peak rate     p50/p95/p99 ${r.hotseat.halfRate.latency.p50} / ${r.hotseat.halfRate.latency.p95} / ${r.hotseat.halfRate.latency.p99} ms at ${n(r.hotseat.halfRate.achievedRatePerSec)}/s (from when due; from when sent ${r.hotseat.halfRate.sentLatency.p50} / ${r.hotseat.halfRate.sentLatency.p95} / ${r.hotseat.halfRate.sentLatency.p99}, load generator late by p99 ${r.hotseat.halfRate.sendLag.p99} ms)`,
    `    sold                      ${n(s.soldAcknowledged)} acknowledged, ${n(s.soldInSpace)} in the space, ${n(s.soldPersisted)} persisted of ${n(s.capacity)}; oversold ${s.oversold}`,
    `    pump drain                ${n(s.pumpDrainMs)} ms (last acknowledged purchase → last order persisted)`,
    `    DynamoDB calls per order  ${n(s.dynamoCallsPerOrder, 4)}   Redis commands per order ${n(s.redisCommandsPerOrder, 2)} (server, Lua included)`,
    `    Redis round trips/purchase ${n(s.redisRoundTripsPerPurchase, 3)} (client-side count)`,
    `    peak RSS                  ${Object.entries(r.hotseat.peakRssBytes)
      .map(([p, b]) => `${p} ${n(b / 1048576)} MB`)
      .join(", ")}`,
    `    CPU per order (µs)        ${Object.entries(s.cpuMicrosPerOrder)
      .map(([p, us]) => `${p} ${n(us)}`)
      .join(", ")}`,
    `  checkout, every hold paid    ${n(r.hotseat.payment.paid)}/${n(r.hotseat.payment.orders)} at ${n(r.hotseat.payment.paymentsPerSec)}/s, p50/p99 ${r.hotseat.payment.latency.p50} / ${r.hotseat.payment.latency.p99} ms; CPU per payment (µs) ${Object.entries(
      r.hotseat.payment.cpuMicrosPerPayment,
    )
      .map(([p, us]) => `${p} ${n(us)}`)
      .join(", ")}`,
    `    buyer token check         ${n(r.buyerTokens.freshMicros)} µs first sight (every purchase here), ${n(r.buyerTokens.cachedMicros)} µs again; WebCrypto runs it off the event loop`,
    ...(s.stages
      ? [
          `    inside the API (p50/p99)  ${Object.entries(s.stages)
            .map(([k, l]) => `${k} ${l.p50}/${l.p99} ms`)
            .join(", ")}`,
        ]
      : []),
    `  HotSeat availability        ${n(r.hotseat.availability.requestsPerSec)} req/s, p99 ${r.hotseat.availability.latency.p99} ms`,
    `  naive (DynamoDB per buy)    ${n(nv.ordersPerSec)} orders/s, p99 ${nv.orderLatency.p99} ms, sold ${n(nv.soldPersisted)}/${n(nv.capacity)}, oversold ${nv.oversold}, ${n(nv.dynamoCallsPerOrder, 2)} DynamoDB calls/order`,
    ...costSummary(r.space, r.api, r.awsLimits),
    ...(r.scale ?? []).map(
      (k) =>
        `  scale: ${k.processes} API process${k.processes > 1 ? "es" : "  "}     ${n(k.ordersPerSec)} orders/s, API CPU ${n(k.apiCpuMicrosPerOrder)} µs/order (${n(k.apiCoresPerProcess, 2)} cores each), Redis ${n(k.redisCpuMicrosPerOrder)} µs/order, p99 ${n(k.p99Ms)} ms, sold ${n(k.sold)}/${n(k.capacity)}`,
    ),
    "",
    "  ratios: purchases/ceiling " +
      `${n(r.ratios.purchasesVsCeiling, 3)}, HotSeat/naive ${n(r.ratios.hotseatVsNaive, 2)}, availability/ceiling ${n(r.ratios.availabilityVsCeiling, 3)}`,
    "",
    "  targets:",
    ...r.targets.map(
      (t) =>
        `    ${t.met === null ? "n/a   " : t.met ? "met   " : "MISSED"} ${t.name} ${t.target} (measured ${n(t.value, 3)})`,
    ),
    "",
  ];
  return lines.join("\n");
}
