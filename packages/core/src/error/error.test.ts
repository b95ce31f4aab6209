import { describe, expect, it } from "vitest";
import { HotSeatError } from "./index.ts";

const frames = (e: Error) => (e.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at "));

describe("HotSeatError", () => {
  it("refuses without capturing a stack trace, with its code, message and details", () => {
    const limit = Error.stackTraceLimit;
    const e = new HotSeatError("sold_out", "sold out", { remaining: 0 });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: "HotSeatError", code: "sold_out", message: "sold out", details: { remaining: 0 } });
    expect(String(e)).toBe("HotSeatError: sold out");
    expect(frames(e)).toEqual([]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(frames(new Error("ordinary"))).not.toEqual([]);
  });

  it("keeps the stack trace of a failure that is not a refusal", () => {
    for (const code of ["internal", "unavailable", "rehydrating"] as const) {
      expect(frames(new HotSeatError(code, "failed")), code).not.toEqual([]);
    }
  });
});
