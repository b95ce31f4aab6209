import type { FlameRect } from "./profile.ts";
import type { Latency } from "./stats.ts";

// The bench page's parts: inline SVG charts drawn here (no script, no CDN), tables, and the formats they share.

export const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
export const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "–"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const colors = ["#d9480f", "#1971c2", "#2f9e44", "#7048e8", "#e8590c", "#0c8599", "#c2255c", "#868e96"];

export interface Series {
  name: string;
  points: [number, number][];
  color?: string;
  dashed?: boolean;
}

function niceMax(v: number) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function lineChart(title: string, series: Series[], o: { xLabel: string; yLabel: string; step?: boolean }) {
  const W = 720;
  const H = 260;
  const L = 64;
  const R = 16;
  const T = 28;
  const B = 40;
  const all = series.flatMap((s) => s.points);
  const maxX = niceMax(Math.max(1e-9, ...all.map((p) => p[0])));
  const maxY = niceMax(Math.max(1e-9, ...all.map((p) => p[1])));
  const x = (v: number) => L + (v / maxX) * (W - L - R);
  const y = (v: number) => H - B - (v / maxY) * (H - T - B);
  const ticks = (max: number) => Array.from({ length: 6 }, (_, i) => (max * i) / 5);
  const grid = ticks(maxY)
    .map(
      (v) =>
        `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v, maxY < 10 ? 1 : 0)}</text>`,
    )
    .join("");
  const xt = ticks(maxX)
    .map((v) => `<text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${fmt(v, maxX < 10 ? 1 : 0)}</text>`)
    .join("");
  const lines = series
    .map((s, i) => {
      const c = s.color ?? colors[i % colors.length];
      const d = s.points.map((p, j) => `${j ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join("");
      return `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`;
    })
    .join("");
  const legend = series
    .map(
      (s, i) =>
        `<span class="key"><i style="background:${s.color ?? colors[i % colors.length]}"></i>${esc(s.name)}</span>`,
    )
    .join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
${grid}${xt}<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" class="axis">${esc(o.xLabel)}</text>
<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" class="axis" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(o.yLabel)}</text>
${lines}</svg><div class="legend">${legend}</div></figure>`;
}

export function latencyBars(title: string, rows: { name: string; latency: Latency }[]) {
  const W = 720;
  const rowH = 34;
  const L = 250;
  const R = 70;
  const T = 10;
  const H = T + rows.length * rowH + 30;
  const maxV = Math.max(1, ...rows.map((r) => r.latency.p99));
  // Log scale: the naive design's tail and a hello-world's median differ by orders of magnitude.
  const lo = 0.1;
  const hi = 10 ** Math.ceil(Math.log10(maxV));
  const x = (v: number) => L + (Math.log10(Math.max(lo, v) / lo) / Math.log10(hi / lo)) * (W - L - R);
  const pcts: [keyof Latency, string][] = [
    ["p50", colors[1] ?? ""],
    ["p95", colors[4] ?? ""],
    ["p99", colors[0] ?? ""],
  ];
  const bars = rows
    .map((r, i) => {
      const y0 = T + i * rowH;
      const b = pcts
        .map(
          ([k, c], j) =>
            `<rect x="${L}" y="${y0 + j * 9}" width="${Math.max(1, x(r.latency[k]) - L)}" height="8" fill="${c}"><title>${k} ${r.latency[k]} ms</title></rect>`,
        )
        .join("");
      return `<text x="${L - 8}" y="${y0 + 16}" text-anchor="end">${esc(r.name)}</text>${b}<text x="${x(r.latency.p99) + 4}" y="${y0 + 24}">${fmt(r.latency.p99, 1)} ms</text>`;
    })
    .join("");
  const ticks = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10)
    ticks.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${T}" y2="${H - 28}" class="grid"/><text x="${x(v)}" y="${H - 12}" text-anchor="middle">${fmt(v, 1)}</text>`,
    );
  const legend = pcts.map(([k, c]) => `<span class="key"><i style="background:${c}"></i>${k}</span>`).join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${ticks.join("")}${bars}</svg><div class="legend">${legend} (ms, log scale)</div></figure>`;
}

export function flameGraph(title: string, rects: FlameRect[]) {
  const W = 1100;
  const rowH = 15;
  const depth = Math.max(0, ...rects.map((r) => r.depth)) + 1;
  const H = depth * rowH + 4;
  const hue = (g: string) => {
    let h = 0;
    for (const ch of g) h = (h * 31 + ch.charCodeAt(0)) % 360;
    return h;
  };
  const body = rects
    .map((r) => {
      const rx = r.x * W;
      const rw = r.w * W;
      const label =
        rw > 40
          ? `<text x="${rx + 3}" y="${r.depth * rowH + 11}" class="fl">${esc(r.name.slice(0, Math.floor(rw / 6.5)))}</text>`
          : "";
      return `<g><title>${esc(`${r.name} — ${r.group} — ${(r.w * 100).toFixed(1)}%`)}</title><rect x="${rx.toFixed(1)}" y="${r.depth * rowH}" width="${Math.max(0.5, rw - 0.5).toFixed(1)}" height="${rowH - 1}" fill="hsl(${hue(r.group)},60%,72%)"/>${label}</g>`;
    })
    .join("");
  return `<figure class="wide"><figcaption>${esc(title)} (icicle: callers above callees; width = share of busy CPU; hover for package)</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${body}</svg></figure>`;
}

export const table = (head: string[], rows: (string | number)[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === "number" ? fmt(c, 3) : c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
