import { useEffect, useState } from "react";
import type { ShowStats } from "../../../types/api.ts";

/** One stats poll's conversion: of the tickets ever taken, the share confirmed now (null before any was taken). */
export type ConversionSample = { at: number; confirmed: number; taken: number; rate: number | null };

/** About five minutes of the console's 2 s polls. */
export const MAX_SAMPLES = 150;

export const conversionOf = (stats: Pick<ShowStats, "confirmed" | "taken">) =>
  stats.taken > 0 ? stats.confirmed / stats.taken : null;

/** Adds a poll to the series: once per server time (`at`), oldest first, at most MAX_SAMPLES. */
export function addSample(series: ConversionSample[], stats: ShowStats): ConversionSample[] {
  const at = Date.parse(stats.at);
  if (!Number.isFinite(at) || series.some((s) => s.at === at)) return series;
  const next = [...series, { at, confirmed: stats.confirmed, taken: stats.taken, rate: conversionOf(stats) }];
  next.sort((a, b) => a.at - b.at);
  return next.slice(-MAX_SAMPLES);
}

/** The conversion over the polls this page has seen (the API keeps no such history), so it starts when the page does. */
export function useConversionSeries(stats: ShowStats | undefined): ConversionSample[] {
  const [series, setSeries] = useState<ConversionSample[]>([]);
  useEffect(() => {
    if (stats) setSeries((current) => addSample(current, stats));
  }, [stats]);
  return series;
}
