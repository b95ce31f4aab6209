import { useEffect, useState } from "react";

/** One reading of the show's cumulative `sold`, at the server's clock (so browser clock skew does not bend the chart). */
export type SalesSample = { atMs: number; sold: number };

export const CHART_WINDOW_MS = 5 * 60_000;
export const CHART_BUCKET_MS = 15_000;

export function appendSample(samples: SalesSample[], sample: SalesSample, keepMs = CHART_WINDOW_MS * 2): SalesSample[] {
  const last = samples.at(-1);
  if (last && sample.atMs <= last.atMs) return samples;
  return [...samples.filter((s) => s.atMs >= sample.atMs - keepMs), sample];
}

/**
 * Tickets sold in each of `count` buckets ending at `nowMs`, oldest first. Only what happened while samples were
 * being taken counts: before the first sample nothing is known, so those buckets read 0.
 */
export function salesPerBucket(samples: SalesSample[], nowMs: number, bucketMs: number, count: number): number[] {
  const soldAt = (t: number) => {
    let value = samples[0]?.sold ?? 0;
    for (const s of samples) {
      if (s.atMs > t) break;
      value = s.sold;
    }
    return value;
  };
  return Array.from({ length: count }, (_, i) => {
    const end = nowMs - (count - 1 - i) * bucketMs;
    return Math.max(0, soldAt(end) - soldAt(end - bucketMs));
  });
}

export function useSalesHistory(at: string | undefined, sold: number | undefined): SalesSample[] {
  const [samples, setSamples] = useState<SalesSample[]>([]);
  useEffect(() => {
    if (at === undefined || sold === undefined) return;
    const atMs = Date.parse(at);
    if (Number.isNaN(atMs)) return;
    setSamples((current) => appendSample(current, { atMs, sold }));
  }, [at, sold]);
  return samples;
}
