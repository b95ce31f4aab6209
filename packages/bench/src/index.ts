// `pnpm bench`: the space against the ceiling (hello-world) and the naive design, in one run.
import { parseArgs, usage } from "./config.ts";
import { summary, writeResults } from "./report.ts";
import { runBench } from "./run.ts";

const config = parseArgs(process.argv.slice(2));
if (config === "help") {
  console.log(usage);
  process.exit(0);
}
const result = await runBench(config);
const files = writeResults(result, config.outDir);
console.log(summary(result));
console.log(`  results: ${files.json}\n           ${files.html}`);
// The bench is a tool, not a test: only an oversell (a correctness failure) fails the run.
const oversold = result.targets.find((t) => t.name === "oversold");
process.exit(oversold?.met === false ? 1 : 0);
