import fs from "node:fs";
import path from "node:path";
import { type FaultKind, faultKinds } from "./faults.ts";
import { formatReport } from "./report.ts";
import { runNemesis } from "./run.ts";

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
const faults = value("--faults")?.split(",") as FaultKind[] | undefined;
for (const f of faults ?? []) if (!faultKinds.includes(f)) fail(`--faults: no fault "${f}" (${faultKinds.join(", ")})`);

const report = await runNemesis({
  seconds,
  seed,
  faults,
  capacity: number("--capacity"),
  roundSeconds: number("--round-seconds"),
  log: (line) => console.log(line),
});
console.log(formatReport(report));
if (jsonPath) {
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), jsonPath);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`report written to ${file}`);
}
process.exit(report.ok ? 0 : 1);
