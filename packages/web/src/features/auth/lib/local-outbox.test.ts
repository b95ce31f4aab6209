import { describe, expect, it } from "vitest";
import { codeIn } from "./local-outbox.ts";

describe("codeIn", () => {
  it("finds the one run of 6 to 8 digits", () => {
    expect(codeIn("Your HotSeat code is 482913. It expires in 10 minutes.")).toBe("482913");
    expect(codeIn("Code: 12345678")).toBe("12345678");
    expect(codeIn("Code 1234567 sent on 2030-01-01")).toBe("1234567");
  });

  it("finds none in shorter or longer runs, or when two runs could be it", () => {
    expect(codeIn("12345 expires in 10 minutes")).toBeUndefined();
    expect(codeIn("order 123456789")).toBeUndefined();
    expect(codeIn("123456 or 654321")).toBeUndefined();
  });
});
