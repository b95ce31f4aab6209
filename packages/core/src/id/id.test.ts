import { describe, expect, it } from "vitest";
import { newOrderId } from "../order/index.ts";
import { newShowId } from "../show/index.ts";
import { newUlid } from "./index.ts";

describe("ids", () => {
  it("are valid prefixed ULIDs, unique and in creation order even within one millisecond", () => {
    const ids = Array.from({ length: 20_000 }, () => newUlid());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newOrderId()).toMatch(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newShowId()).toMatch(/^shw_[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
