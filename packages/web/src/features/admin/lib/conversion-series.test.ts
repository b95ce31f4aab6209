import { describe, expect, it } from "vitest";
import type { ShowStats } from "../../../types/api.ts";
import { addSample, type ConversionSample, conversionOf, MAX_SAMPLES } from "./conversion-series.ts";

const poll = (atMs: number, confirmed: number, taken: number) =>
  ({ at: new Date(atMs).toISOString(), confirmed, taken }) as ShowStats;

describe("conversion series", () => {
  it("is confirmed over taken, and nothing before a ticket was taken", () => {
    expect(conversionOf({ confirmed: 3, taken: 4 })).toBe(0.75);
    expect(conversionOf({ confirmed: 0, taken: 0 })).toBeNull();
  });

  it("keeps one sample per server time, oldest first, and only the latest MAX_SAMPLES", () => {
    let series: ConversionSample[] = [];
    series = addSample(series, poll(2_000, 1, 2));
    series = addSample(series, poll(0, 0, 0));
    series = addSample(series, poll(2_000, 1, 2)); // the same poll seen twice (a refetch answered from cache)
    expect(series).toEqual([
      { at: 0, confirmed: 0, taken: 0, rate: null },
      { at: 2_000, confirmed: 1, taken: 2, rate: 0.5 },
    ]);
    for (let i = 2; i < MAX_SAMPLES + 10; i++) series = addSample(series, poll(i * 2_000, i, i + 1));
    expect(series).toHaveLength(MAX_SAMPLES);
    expect(series.at(-1)?.at).toBe((MAX_SAMPLES + 9) * 2_000);
  });
});
