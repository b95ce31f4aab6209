import type { Recording } from "./load.ts";
import { round } from "./proc.ts";

export interface Latency {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latencyOf(values: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const at = (q: number) => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] ?? 0;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    mean: round(sum / n, 2),
    p50: round(at(0.5), 2),
    p95: round(at(0.95), 2),
    p99: round(at(0.99), 2),
    max: round(sorted[n - 1] ?? 0, 2),
  };
}

/** Latencies of the responses that match `keep` (by status and completion time). */
export function latencyWhere(rec: Recording, keep: (status: number, t: number) => boolean): Latency {
  const out: number[] = [];
  for (let i = 0; i < rec.count; i++)
    if (keep(rec.statuses[i] ?? 0, rec.times[i] ?? 0)) out.push(rec.latencies[i] ?? 0);
  return latencyOf(out);
}

export interface SeriesPoint {
  /** seconds since the phase started (bucket start) */
  t: number;
  [series: string]: number;
}

/** Responses per second in `bucketMs` buckets, one series per label that `classify` gives. */
export function throughputSeries(
  rec: Recording,
  bucketMs: number,
  classify: (status: number) => string | null,
): SeriesPoint[] {
  const buckets = Math.max(1, Math.ceil(rec.durationMs / bucketMs));
  const counts = new Map<string, Float64Array>();
  for (let i = 0; i < rec.count; i++) {
    const label = classify(rec.statuses[i] ?? 0);
    if (!label) continue;
    let arr = counts.get(label);
    if (!arr) {
      arr = new Float64Array(buckets);
      counts.set(label, arr);
    }
    const b = Math.min(buckets - 1, Math.floor((rec.times[i] ?? 0) / bucketMs));
    arr[b] = (arr[b] ?? 0) + 1;
  }
  return Array.from({ length: buckets }, (_, b) => {
    const p: SeriesPoint = { t: round((b * bucketMs) / 1000, 2) };
    for (const [label, arr] of counts) p[label] = Math.round(((arr[b] ?? 0) * 1000) / bucketMs);
    return p;
  });
}

/** The time (ms after start) of the last response with this status, or 0. */
export function lastTimeOf(rec: Recording, status: number): number {
  for (let i = rec.count - 1; i >= 0; i--) if (rec.statuses[i] === status) return rec.times[i] ?? 0;
  return 0;
}

export function firstTimeOf(rec: Recording, status: number): number {
  for (let i = 0; i < rec.count; i++) if (rec.statuses[i] === status) return rec.times[i] ?? 0;
  return 0;
}

export function countOf(rec: Recording, keep: (status: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < rec.count; i++) if (keep(rec.statuses[i] ?? 0)) n++;
  return n;
}

/** The best `windowMs` stretch: highest count of matching responses in a sliding window, per second. */
export function peakRate(rec: Recording, status: number, windowMs: number): number {
  const t: number[] = [];
  for (let i = 0; i < rec.count; i++) if (rec.statuses[i] === status) t.push(rec.times[i] ?? 0);
  t.sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while ((t[hi] ?? 0) - (t[lo] ?? 0) > windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return Math.round((best * 1000) / windowMs);
}

/** Differences of two counter maps (b − a), zero entries dropped. */
export function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (b[k] ?? 0) - (a[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export const sum = (r: Record<string, number>) => Object.values(r).reduce((n, v) => n + v, 0);
