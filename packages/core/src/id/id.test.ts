import { describe, expect, it } from "vitest";
import { newOrderId } from "../order/index.ts";
import { newShowId } from "../show/index.ts";
import { newSecretUlid, newUlid } from "./index.ts";

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const randomPart = (id: string) => [...id.slice(-16)].reduce((n, ch) => n * 32n + BigInt(crockford.indexOf(ch)), 0n);

describe("ids", () => {
  it("are valid prefixed ULIDs, unique and in creation order even within one millisecond", () => {
    const ids = Array.from({ length: 20_000 }, () => newUlid());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newOrderId()).toMatch(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newShowId()).toMatch(/^shw_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("makes order ids that are not one increment from a neighbour's, even within one millisecond", () => {
    const ids = Array.from({ length: 2_000 }, () => newOrderId().slice(4));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) {
      const gap = randomPart(ids[i] as string) - randomPart(ids[i - 1] as string);
      // A monotonic factory gives a gap of exactly 1 inside one millisecond; fresh randomness, almost never below 2^40.
      expect(gap < 0n ? -gap : gap).toBeGreaterThan(1n << 40n);
    }
    expect(newSecretUlid()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
