import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configFor } from "../src/config.ts";
import { writeResults } from "../src/report.ts";
import { runBench } from "../src/run.ts";

// The bench is a tool, not a test: this checks that every part of it runs and that nothing is
// oversold. It asserts no timing: on a shared CI machine those numbers mean nothing.
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-bench-smoke-"));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe("pnpm bench --smoke", () => {
  it("runs the ceiling, the HotSeat sale and the naive design, sells exactly the capacity, and writes JSON and HTML", async () => {
    const result = await runBench(configFor("smoke", { outDir }), () => {});
    const files = writeResults(result, outDir);

    // Buyers were signed in: a purchase without a valid token would not have sold a ticket.
    expect(result.buyerTokens.freshMicros).toBeGreaterThan(result.buyerTokens.cachedMicros);
    // The sale's holds were all paid, and the show then counts them confirmed.
    const { payment } = result.hotseat;
    expect(payment.orders).toBe(result.hotseat.sale.soldAcknowledged);
    expect(payment.paid).toBe(payment.orders);
    expect({ confirmed: payment.confirmedAfter, held: payment.heldAfter }).toEqual({
      confirmed: result.hotseat.sale.capacity,
      held: 0,
    });
    for (const sale of [result.hotseat.warmup, result.hotseat.sale]) {
      expect(sale.oversold).toBe(0);
      expect(sale.soldAcknowledged).toBe(sale.capacity);
      expect(sale.soldInSpace).toBe(sale.capacity);
      expect(sale.soldPersisted).toBe(sale.capacity);
      expect(sale.ordersPersisted).toBe(sale.capacity);
      expect(sale.statusCounts["500"] ?? 0).toBe(0);
    }
    expect(result.naive.sale.oversold).toBe(0);
    expect(result.naive.sale.soldPersisted).toBe(result.naive.sale.soldAcknowledged);
    expect(result.targets.find((t) => t.name === "oversold")?.met).toBe(true);

    for (const ratio of Object.values(result.ratios)) expect(Number.isFinite(ratio)).toBe(true);
    expect(result.hotseat.sale.dynamoCallsPerOrder).toEqual(expect.any(Number));
    expect(result.hotseat.sale.redisRoundTripsPerPurchase).toEqual(expect.any(Number));
    // The writer (its own process) reported what it persisted and when: the drain ends after the last acknowledgement.
    expect(result.hotseat.sale.pumpDrainMs).toBeGreaterThan(0);
    expect(result.hotseat.peakRssBytes.api).toBeGreaterThan(0);
    // The space alone: every take succeeded (it throws otherwise), and Redis counted its work.
    expect(result.space.total.redisCpuMicrosPerOrder).toBeGreaterThan(0);
    // One script call per order (EVAL on a connection's first, EVALSHA after).
    const take = result.space.parts.find((p) => p.name === "take")?.commands ?? {};
    expect((take.evalsha?.perOrder ?? 0) + (take.eval?.perOrder ?? 0)).toBeCloseTo(1, 2);
    expect(result.space.ceiling.redisCpuMicrosPerOp).toBeGreaterThan(0);
    expect(result.api.echoCpuMicros).toBeGreaterThan(0);
    expect(Number.isFinite(result.api.ratio)).toBe(true);

    const json = JSON.parse(fs.readFileSync(files.json, "utf8"));
    expect(json.hotseat.sale.capacity).toBe(result.config.capacity);
    const html = fs.readFileSync(files.html, "utf8");
    expect(html).toContain("<svg");
    // Self-contained: nothing fetched from elsewhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/);
  });
});
