import type { ProfileSummary } from "./profile.ts";
import type { BenchResult, LoadPhase, SaleResult } from "./result.ts";
import type { Latency } from "./stats.ts";
import { esc, flameGraph, fmt, latencyBars, lineChart, table } from "./svg-charts.ts";

// A self-contained page: inline SVG charts (svg-charts.ts), no script, no CDN.

const mb = (b: number | undefined) => (b ? `${fmt(b / 1048576)} MB` : "–");

function throughputPoints(p: LoadPhase, key: string): [number, number][] {
  return p.throughput.map((pt) => [pt.t, pt[key] ?? 0]);
}

function saleRows(s: SaleResult) {
  return [
    ["orders/s (first request to last acknowledged order)", fmt(s.ordersPerSec)],
    ["peak orders/s (best 1 s)", fmt(s.peakOrdersPerSec)],
    ["sell-out time", `${fmt(s.sellOutMs / 1000, 2)} s`],
    ["order latency p50 / p95 / p99", `${s.orderLatency.p50} / ${s.orderLatency.p95} / ${s.orderLatency.p99} ms`],
    [
      "sold: acknowledged / in the store / persisted",
      `${fmt(s.soldAcknowledged)} / ${fmt(s.soldInSpace)} / ${fmt(s.soldPersisted)} of ${fmt(s.capacity)}`,
    ],
    ["oversold", `<b>${s.oversold}</b>`],
    ["pump drain (last ack → last persisted)", s.pumpDrainMs === null ? "synchronous" : `${fmt(s.pumpDrainMs)} ms`],
    ["DynamoDB calls per order", fmt(s.dynamoCallsPerOrder, 4)],
    ["Redis commands per order (server, incl. inside Lua)", fmt(s.redisCommandsPerOrder, 2)],
    ["Redis round trips per purchase (client)", fmt(s.redisRoundTripsPerPurchase, 3)],
    ["status counts", esc(JSON.stringify(s.statusCounts))],
    ["CPU µs per order, by process", esc(JSON.stringify(s.cpuMicrosPerOrder))],
  ];
}

export function renderHtml(r: BenchResult): string {
  const s = r.hotseat.sale;
  const n = r.naive.sale;
  const charts: string[] = [];
  charts.push(
    lineChart(
      `Throughput over time (250 ms buckets, per second; hello-world ceiling ${fmt(r.ceiling.requestsPerSec)} req/s)`,
      [
        { name: "HotSeat orders/s", points: throughputPoints(s, "orders") },
        { name: "HotSeat sold-out answers/s", points: throughputPoints(s, "rejected"), dashed: true },
        { name: "naive orders/s", points: throughputPoints(n, "orders") },
      ],
      { xLabel: "seconds since the sale opened", yLabel: "per second" },
    ),
  );
  charts.push(
    latencyBars("Latency percentiles", [
      ...r.ceiling.runs.map((c) => ({ name: c.name, latency: c.latency })),
      { name: "HotSeat purchases (sale, peak)", latency: s.orderLatency },
      { name: "HotSeat sold-out answers", latency: s.rejectionLatency },
      {
        name: `HotSeat at half the peak (${r.hotseat.halfRate.targetRatePerSec}/s)`,
        latency: r.hotseat.halfRate.latency,
      },
      { name: "  same, from when sent", latency: r.hotseat.halfRate.sentLatency },
      { name: "HotSeat availability", latency: r.hotseat.availability.latency },
      { name: "naive purchases", latency: n.orderLatency },
    ]),
  );
  charts.push(
    lineChart(
      "Remaining tickets (HotSeat sale, read from the space)",
      [{ name: "remaining", points: s.timeline.map((p) => [p.t, p.remaining]) }],
      { xLabel: "seconds since the sale opened", yLabel: "tickets" },
    ),
  );
  charts.push(
    lineChart(
      "Pump: orders accepted vs persisted, and the lag between them",
      [
        { name: "accepted (space)", points: s.timeline.map((p) => [p.t, p.accepted]) },
        { name: "persisted (DynamoDB, confirmed)", points: s.timeline.map((p) => [p.t, p.persisted]) },
        { name: "lag (pending orders)", points: s.timeline.map((p) => [p.t, p.lag]), dashed: true },
      ],
      { xLabel: "seconds since the sale opened", yLabel: "orders" },
    ),
  );
  const procs = [...new Set(s.cpu.flatMap((p) => Object.keys(p.cores)))];
  charts.push(
    lineChart(
      `CPU by process during the HotSeat sale (cores; the machine has ${r.machine.cpus})`,
      procs.map((p) => ({ name: p, points: s.cpu.map((pt) => [pt.t / 1000, pt.cores[p] ?? 0] as [number, number]) })),
      { xLabel: "seconds since the sale opened", yLabel: "cores" },
    ),
  );
  charts.push(
    lineChart(
      "API process resident memory (HotSeat sale)",
      [{ name: "RSS MB", points: s.timeline.map((p) => [p.t, p.rssMb]) }],
      { xLabel: "seconds since the sale opened", yLabel: "MB" },
    ),
  );

  const targets = table(
    ["target", "wanted", "measured", ""],
    r.targets.map((t) => [
      esc(t.name),
      esc(t.target),
      fmt(t.value, 3),
      t.met === null ? "n/a" : t.met ? '<span class="ok">met</span>' : '<span class="miss">missed</span>',
    ]),
  );
  const sideBySide = table(
    ["", "HotSeat", "naive"],
    saleRows(s).map((row, i) => [row[0] ?? "", row[1] ?? "", saleRows(n)[i]?.[1] ?? ""]),
  );
  const breakdown = (o: Record<string, number>) =>
    esc(
      Object.entries(o)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(", "),
    );
  const details = table(
    ["measure", "value"],
    [
      ["DynamoDB calls (sale + drain)", breakdown(s.dynamoCalls)],
      ["Kinesis calls (sale + drain)", breakdown(s.kinesisCalls)],
      ["orders per PutRecords call", fmt(s.pumpBatchRecords, 1)],
      ["orders per Kinesis record (packed)", fmt(s.pumpOrdersPerRecord, 1)],
      ["Redis commands executed (INFO commandstats)", breakdown(s.redisServerCommands)],
      ["Redis commands sent by the API process", breakdown(s.redisClientCommands)],
      ["Redis socket writes per purchase (auto-pipelining)", fmt(s.redisSocketWritesPerPurchase, 3)],
      [
        "emulator service time (mean / max ms)",
        esc(
          Object.entries(s.emulatorServiceMs)
            .map(([k, v]) => `${k}: ${v.calls} calls, ${v.meanMs} / ${v.maxMs}`)
            .join("; "),
        ),
      ],
      ["CPU seconds during the sale, by process", breakdown(s.cpuSeconds)],
      [
        "peak RSS (HotSeat run)",
        esc(
          Object.entries(r.hotseat.peakRssBytes)
            .map(([k, v]) => `${k} ${mb(v)}`)
            .join(", "),
        ),
      ],
      [
        "peak RSS (naive run)",
        esc(
          Object.entries(r.naive.peakRssBytes)
            .map(([k, v]) => `${k} ${mb(v)}`)
            .join(", "),
        ),
      ],
      [
        "availability polling",
        `${fmt(r.hotseat.availability.requestsPerSec)} req/s, p99 ${r.hotseat.availability.latency.p99} ms`,
      ],
      [
        "half-rate run",
        `${fmt(r.hotseat.halfRate.achievedRatePerSec)}/s of ${fmt(r.hotseat.halfRate.targetRatePerSec)}/s target, ${esc(JSON.stringify(r.hotseat.halfRate.statusCounts))}`,
      ],
      ...r.ceiling.runs.map((c) => [esc(c.name), `${fmt(c.requestsPerSec)} req/s, p99 ${c.latency.p99} ms`]),
    ],
  );
  const stageRows = (name: string, stages: Record<string, Latency> | undefined) =>
    Object.entries(stages ?? {}).map(([k, l]) => [esc(`${name}: ${k}`), l.p50, l.p95, l.p99, l.max]);
  const stages = table(
    ["inside the API process (ms)", "p50", "p95", "p99", "max"],
    [...stageRows("sale", s.stages), ...stageRows("half rate", r.hotseat.halfRate.stages)],
  );
  const perReq = (label: string, p: LoadPhase) => [
    esc(label),
    esc(
      Object.entries(p.cpuMicrosPerRequest)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(", "),
    ),
  ];
  const cpuTable = table(
    ["CPU µs per response, by process", ""],
    [
      ...r.ceiling.runs.map((c) => perReq(c.name, c)),
      perReq("HotSeat purchases (sale, per response incl. sold-out answers)", s),
      [esc("HotSeat, per order"), esc(JSON.stringify(s.cpuMicrosPerOrder))],
      perReq("HotSeat availability", r.hotseat.availability),
      perReq("naive purchases", n),
    ],
  );
  const profiles = Object.entries(r.profiles ?? {})
    .map(([name, p]: [string, ProfileSummary]) => {
      const groups = table(
        ["package / part", "self ms", "share of busy"],
        p.byGroup.slice(0, 15).map((g) => [esc(g.group), fmt(g.ms), `${fmt(g.share * 100, 1)}%`]),
      );
      const top = table(
        ["function", "where", "self ms", "share"],
        p.top.map((f) => [esc(f.name), esc(f.where), fmt(f.ms), `${fmt(f.share * 100, 1)}%`]),
      );
      return `<h3>${esc(name)} process</h3><div class="cols">${groups}${top}</div>${flameGraph(`${name}: CPU during the sale`, p.flame)}`;
    })
    .join("");

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HotSeat bench ${esc(r.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1160px;color:#212529;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px}
.sub{color:#666}.grid{stroke:#e9ecef}svg text{font-size:11px;fill:#495057}.axis{fill:#212529}
figure{margin:12px 0;display:inline-block;width:49%;vertical-align:top;min-width:480px}figure.wide{width:100%}
figcaption{font-weight:600;margin-bottom:4px}.legend{font-size:12px}.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border-bottom:1px solid #e9ecef;padding:4px 10px;text-align:left;vertical-align:top}
.ok{color:#2f9e44;font-weight:600}.miss{color:#c92a2a;font-weight:600}.cols{display:flex;gap:16px;flex-wrap:wrap}.fl{font-size:10px;fill:#212529}
.big{font-size:20px;font-weight:600}
</style></head><body>
<h1>HotSeat: the space vs the database</h1>
<div class="sub">${esc(r.config.mode)} run, ${esc(r.startedAt)} · Node ${esc(r.machine.node)} · ${r.machine.cpus} × ${esc(r.machine.cpuModel)} · load average ${r.machine.loadAverageStart.join(" ")} → ${r.machine.loadAverageEnd.join(" ")} · ${fmt(r.config.capacity)} tickets, ${r.config.connections} buyers in flight</div>
<p class="big">${fmt(s.ordersPerSec)} orders/s · ${fmt(r.ratios.purchasesVsCeiling * 100, 1)}% of hello-world · ${fmt(r.ratios.hotseatVsNaive, 1)}× the naive design · oversold ${s.oversold}</p>
<h2>Targets</h2>${targets}
<h2>Charts</h2>${charts.join("\n")}
<h2>HotSeat and the naive design, side by side</h2>${sideBySide}
<h2>Where the time goes</h2>${stages}${cpuTable}
<h2>Details</h2>${details}
${profiles ? `<h2>Profiles</h2>${profiles}` : ""}
<h2>Notes</h2><ul>${r.notes.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>
</body></html>
`;
}
