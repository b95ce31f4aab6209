import { describe, expect, it } from "vitest";
import { z } from "zod";
import { homeShard } from "../space/keys.ts";
import { describeIssues, fnv1a32, sleep } from "./index.ts";

describe("fnv1a32", () => {
  it("matches the published FNV-1a test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("pins a customer to the same shard as the space's own copy does", () => {
    for (const id of ["cus_1", "ada@example.com", "x".repeat(64), ""])
      for (const shards of [2, 3, 7, 64]) expect(homeShard(id, shards)).toBe(fnv1a32(id) % shards);
  });
});

describe("describeIssues", () => {
  const Body = z.object({ quantity: z.number().int().min(1), nested: z.object({ card: z.string() }) }).strict();
  const issuesOf = (value: unknown) => {
    const parsed = Body.safeParse(value);
    if (parsed.success) throw new Error("expected a failed parse");
    return parsed.error;
  };

  it("names the first issue with its path", () => {
    expect(describeIssues(issuesOf({ quantity: 0, nested: { card: "1" } }))).toMatch(/^quantity: /);
    expect(describeIssues(issuesOf({ quantity: 1, nested: {} }))).toMatch(/^nested\.card: /);
  });

  it("leaves the path out for the value itself, and joins every issue when asked", () => {
    expect(describeIssues(z.number().safeParse("x").error as z.ZodError)).not.toMatch(/^: /);
    const all = describeIssues(issuesOf({ quantity: 0, nested: {} }), { all: true });
    expect(all.split("; ")).toHaveLength(2);
  });
});

describe("sleep", () => {
  it("waits at least the time asked", async () => {
    const start = performance.now();
    await sleep(20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(19);
  });
});
