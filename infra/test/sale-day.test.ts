import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KINESIS, reshardSteps, saleDayPumpPlan } from "../sale-day";
import { root } from "./harness";

describe("reshardSteps", () => {
  it("doubles at most per step on the way up, and halves at most on the way down", () => {
    expect(reshardSteps(4, 20)).toEqual([8, 16, 20]);
    expect(reshardSteps(4, 8)).toEqual([8]);
    expect(reshardSteps(20, 4)).toEqual([10, 5, 4]);
    expect(reshardSteps(5, 5)).toEqual([]);
    expect(reshardSteps(1, 1000)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1000]);
  });

  it("never breaks Kinesis's double-or-half rule, for any pair", () => {
    for (let from = 1; from <= 64; from++)
      for (let to = 1; to <= 64; to++) {
        let at = from;
        for (const next of reshardSteps(from, to)) {
          expect(next).toBeLessThanOrEqual(at * 2);
          expect(next).toBeGreaterThanOrEqual(Math.ceil(at / 2));
          at = next;
        }
        expect(at).toBe(to);
      }
  });

  it.each([0, -1, 2.5, Number.NaN])("refuses %s shards", (n) => {
    expect(() => reshardSteps(n, 4)).toThrow(/whole number/);
    expect(() => reshardSteps(4, n)).toThrow(/whole number/);
  });
});

describe("saleDayPumpPlan", () => {
  it("switches mode once at the current count, reshards by doubling, and switches back after the sale", () => {
    const plan = saleDayPumpPlan(20);
    expect(plan.before).toEqual([
      { pumpShards: 4, change: "switch to provisioned" },
      { pumpShards: 8, change: "reshard" },
      { pumpShards: 16, change: "reshard" },
      { pumpShards: 20, change: "reshard" },
    ]);
    expect(plan.after).toEqual([{ pumpShards: 0, change: "switch to on-demand" }]);
    expect(plan.modeSwitches).toBeLessThanOrEqual(KINESIS.modeSwitchesPerDay);
  });

  it("starts from the stream's open shards when on-demand grew it", () => {
    expect(saleDayPumpPlan(20, 6).before.map((d) => d.pumpShards)).toEqual([6, 12, 20]);
  });

  it("refuses a plan of more reshards than Kinesis allows in a day", () => {
    expect(() => saleDayPumpPlan(8192, 4)).toThrow(/exceed Kinesis's 10 a day/);
  });
});

describe("README's sale-day commands", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Sale day"), readme.indexOf("### What it costs idle"));
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "";
  const deploys = block.split("\n").filter((line) => line.includes("pnpm sst deploy"));
  const shardsOf = (line: string) => Number(line.match(/HOTSEAT_PUMP_SHARDS=(\d+)/)?.[1] ?? 0);

  it("are the plan's deploys, in order: 4 → 8 → 16 → 20 before, on-demand after", () => {
    const plan = saleDayPumpPlan(20);
    expect(deploys.map(shardsOf)).toEqual([...plan.before, ...plan.after].map((d) => d.pumpShards));
  });

  it("set only variables infra/stage.ts reads, with whole numbers", () => {
    const stage = fs.readFileSync(path.join(root, "infra/stage.ts"), "utf8");
    for (const line of deploys)
      for (const [, name, value] of line.matchAll(/\b(HOTSEAT_[A-Z_]+)=(\S+)/g)) {
        expect(stage).toContain(`"${name}"`);
        expect(value).toMatch(/^\d+$/);
      }
    for (const line of deploys) expect(line).toMatch(/pnpm sst deploy --stage prod(\s+#.*)?$/);
  });
});
