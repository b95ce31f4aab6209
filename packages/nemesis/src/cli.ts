import fs from "node:fs";
import path from "node:path";
import { type NemesisReport, runNemesis } from "./run.ts";

// `pnpm nemesis [--seconds N | --minutes N] [--seed S] [--json path]`
const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const fail = (message: string) => {
  console.error(`nemesis: ${message}`);
  process.exit(2);
};
const number = (name: string) => {
  const v = value(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) fail(`${name} takes a positive number, got "${v}"`);
  return n;
};
const seconds = number("--seconds") ?? ((number("--minutes") ?? 0) * 60 || 60);
const seedArg = value("--seed");
const seed = seedArg === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seedArg);
if (!Number.isInteger(seed)) fail(`--seed takes an integer, got "${seedArg}"`);
const jsonPath = value("--json");

export function formatReport(r: NemesisReport): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push("", `faults injected (seed ${r.seed}, ${r.seconds} s)`, `  ${pad("fault", 26)}injected  skipped`);
  for (const [kind, f] of Object.entries(r.faults))
    lines.push(`  ${pad(kind, 26)}${String(f.injected).padStart(8)}  ${String(f.skipped).padStart(7)}`);
  const total = Object.values(r.faults).reduce((n, f) => n + f.injected, 0);
  lines.push(`  ${pad("total", 26)}${String(total).padStart(8)}`, "", "checks");
  for (const c of r.checks) lines.push(`  ${c.held ? "held  " : "FAILED"}  ${c.name}: ${c.detail}`);
  lines.push(
    "",
    `buyers' answers: ${Object.entries(r.buyers)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  lines.push(
    `${r.ok ? "every check held" : "SOME CHECKS FAILED"}; replay with: pnpm nemesis --seconds ${r.seconds} --seed ${r.seed}`,
  );
  return lines.join("\n");
}

const report = await runNemesis({ seconds, seed, log: (line) => console.log(line) });
console.log(formatReport(report));
if (jsonPath) {
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), jsonPath);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`report written to ${file}`);
}
process.exit(report.ok ? 0 : 1);
