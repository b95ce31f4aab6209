import { describe, expect, it } from "vitest";
import { appendSample, salesPerBucket } from "./sales-history.ts";

describe("salesPerBucket", () => {
  it("counts the tickets sold within each bucket, oldest first", () => {
    const samples = [
      { atMs: 0, sold: 10 },
      { atMs: 5_000, sold: 14 },
      { atMs: 12_000, sold: 20 },
      { atMs: 25_000, sold: 21 },
    ];
    expect(salesPerBucket(samples, 30_000, 10_000, 3)).toEqual([4, 6, 1]);
  });

  it("reads 0 before the first sample, since sales before it are unknown", () => {
    expect(salesPerBucket([{ atMs: 50_000, sold: 100 }], 60_000, 10_000, 4)).toEqual([0, 0, 0, 0]);
  });

  it("is empty-safe", () => {
    expect(salesPerBucket([], 60_000, 10_000, 2)).toEqual([0, 0]);
  });
});

describe("appendSample", () => {
  it("ignores a sample that is not newer and forgets old ones", () => {
    const first = appendSample([], { atMs: 1_000, sold: 1 }, 5_000);
    expect(appendSample(first, { atMs: 1_000, sold: 2 }, 5_000)).toBe(first);
    expect(appendSample(first, { atMs: 7_000, sold: 3 }, 5_000)).toEqual([{ atMs: 7_000, sold: 3 }]);
  });
});
