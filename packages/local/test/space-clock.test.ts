import { shardKeys } from "@hotseat/core/space";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

// Hold deadlines come from the space's clock (Redis TIME inside the scripts), not the API process's.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ sale: { availabilityCacheMs: 0 } });
});
afterAll(async () => {
  await t?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const HOLD_SECONDS = 60;
const redis = () => t.stack.runtime.redis as Redis;
const spaceNow = async () => {
  const [s, us] = await redis().time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
};

/** The caller's clock, off by `skewMs` from the space's (the process's Date.now only; Redis keeps its own). */
const skewCaller = (skewMs: number) => {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => real() + skewMs);
};

describe.each([
  ["an hour ahead", 3_600_000],
  ["an hour behind", -3_600_000],
])("a buyer's API process whose clock is %s", (_, skewMs) => {
  it("holds the tickets for the show's holdSeconds by the space's clock, neither longer nor shorter", async () => {
    const show = await t.createShow({ capacity: 10, priceCents: 2500, holdSeconds: HOLD_SECONDS });
    await t.preload(show.id);
    skewCaller(skewMs);
    const before = await spaceNow();
    const res = await t.buy(show.id, "cus_skewed", 2, `skew-key-${skewMs}`);
    const after = await spaceNow();
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe("held");
    const deadline = Number(await redis().zscore(shardKeys(show.id, 0).holds, res.body.order.id));
    expect(deadline).toBeGreaterThanOrEqual(before + HOLD_SECONDS * 1000);
    expect(deadline).toBeLessThanOrEqual(after + HOLD_SECONDS * 1000);
    expect(Date.parse(res.body.order.holdExpiresAt)).toBe(deadline);
    expect(Math.abs(Date.parse(res.body.order.createdAt) - before)).toBeLessThan(2000);

    // Readers with the skewed clock neither expire the hold early nor keep a lapsed one: still held now.
    const availability = await t.request("GET", `/shows/${show.id}/availability`);
    expect(availability.body).toMatchObject({ remaining: 8, held: 2 });
    await t.stack.sweep();
    const order = await t.request("GET", `/orders/${res.body.order.id}`, { as: "cus_skewed" });
    expect(order.body.order?.status ?? order.body.status).toBe("held");
  });
});

describe("a hold past its deadline by the space's clock", () => {
  it("is expired even by a caller whose clock says it has time left", async () => {
    const show = await t.createShow({ capacity: 4, priceCents: 2500, holdSeconds: HOLD_SECONDS });
    await t.preload(show.id);
    const res = await t.buy(show.id, "cus_late", 2, "skew-key-late");
    expect(res.status).toBe(201);
    // The deadline passes in the space (moved back, as the space's clock passing it would do).
    await redis().zadd(shardKeys(show.id, 0).holds, (await spaceNow()) - 1000, res.body.order.id);
    skewCaller(-3_600_000);
    const availability = await t.request("GET", `/shows/${show.id}/availability`);
    expect(availability.body).toMatchObject({ remaining: 4, held: 0 });
  });
});
