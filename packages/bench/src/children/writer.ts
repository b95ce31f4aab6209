// The writer in a process of its own, as on AWS (the API and the writer are separate Lambdas):
// the local poller drives the same writer handler against the stack's emulators and Redis.
import type { RuntimeConfig } from "@hotseat/functions/config";
import { createRuntime } from "@hotseat/functions/runtime";
import { writeBatch } from "@hotseat/functions/writer";
import { KinesisPoller, type PollerOptions } from "@hotseat/local/poller";
import { cpuProfiler, serveParent } from "../child.ts";
import { countConfirmations } from "./confirmations.ts";

export interface WriterChildOptions {
  config: RuntimeConfig;
  dataDir: string;
  poller?: Partial<PollerOptions>;
}

export interface WriterCounters {
  persisted: number;
  lastPersistAt: number;
  invocations: number;
  records: number;
  millisBehind: number;
}

const options: WriterChildOptions = JSON.parse(process.argv[2] ?? "{}");
const runtime = createRuntime(options.config);
const space = runtime.space;
const confirmations = countConfirmations(space);
const poller = new KinesisPoller(
  runtime.kinesis,
  options.config.pump.streamName,
  (event) => writeBatch(runtime, event),
  options.dataDir,
  options.poller,
);
await poller.start();
const profiler = cpuProfiler();

serveParent(
  { pid: process.pid },
  {
    counters: (): WriterCounters => ({
      persisted: confirmations.persisted,
      lastPersistAt: confirmations.lastPersistAt,
      invocations: poller.invocations,
      records: poller.recordsHandled,
      millisBehind: Math.max(0, ...poller.millisBehind.values()),
    }),
    profileStart: (intervalUs: number) => profiler.start(intervalUs),
    profileStop: (file: string) => profiler.stop(file),
  },
  async () => {
    await poller.stop();
    await runtime.stop();
  },
);
