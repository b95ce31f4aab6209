import { configFromEnv } from "@hotseat/functions/config";
import { createRuntime } from "@hotseat/functions/runtime";
import { startLocalWriter } from "@hotseat/local/local-writer";
import { saleOptionsFromEnv } from "./env.ts";

// The nemesis's writer process: the local stand-in for the pump's event source mapping feeding the
// writer Lambda (checkpoints kept in NEMESIS_DATA_DIR, so a restart resumes after the last handled
// batch and replays the one it died in), and the scheduled sweeper on a timer.
const runtime = createRuntime(configFromEnv(), { sale: saleOptionsFromEnv() });
await startLocalWriter(runtime, process.env.NEMESIS_DATA_DIR ?? ".", { batchingWindowMs: 100, pollIntervalMs: 100 });

const sweepEveryMs = Number(process.env.NEMESIS_SWEEP_MS ?? 1000);
let sweeping = false;
setInterval(() => {
  if (sweeping) return;
  sweeping = true;
  runtime.sales
    .sweep()
    .then(() => runtime.publisher.drain())
    .catch((e) => console.error(`nemesis writer: sweep failed: ${(e as Error).message}`))
    .finally(() => {
      sweeping = false;
    });
}, sweepEveryMs);
process.send?.({ type: "ready" });
