import fs from "node:fs";
import { expect, it } from "vitest";
import { faultKinds } from "../src/faults.ts";
import { formatReport } from "../src/report.ts";
import { runNemesis } from "../src/run.ts";

// The short form of `pnpm nemesis`: a fixed seed, every fault kind injected at least once (so the
// run cannot pass by injecting nothing), and every check held.
it("survives a short run of every fault with every check held", { timeout: 300_000 }, async () => {
  const report = await runNemesis({ seconds: 40, seed: 20261202, faultGapMs: [1000, 2500] });
  // The processes' logs stay when something failed: the table names the folder.
  if (report.ok) fs.rmSync(report.dataDir, { recursive: true, force: true });
  const table = `${formatReport(report)}\nlogs in ${report.dataDir}`;
  for (const kind of faultKinds) expect(report.faults[kind]?.injected, `${kind} injected\n${table}`).toBeGreaterThan(0);
  expect(report.checks.length).toBeGreaterThanOrEqual(8);
  // Buyers did buy, pay, cancel and get refunds while the faults ran.
  expect(report.buyers["purchase.201"] ?? 0, table).toBeGreaterThan(50);
  expect(
    Object.keys(report.buyers).some((k) => k.startsWith("pay.good.200")),
    table,
  ).toBe(true);
  for (const check of report.checks) expect(check.held, `${check.name}: ${check.detail}\n${table}`).toBe(true);
});
