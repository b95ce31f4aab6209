// The writer's process (see writer-process.ts): the local poller driving the real writer handler.
// It leaves when its parent does (the IPC channel closes), so a killed stack leaves no orphan.
import { createRuntime } from "@hotseat/functions/runtime";
import { cpuProfiler } from "./cpu-profiler.ts";
import { startLocalWriter } from "./local-writer.ts";
import type { WriterChildArgs, WriterRequest } from "./writer-process.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const args: WriterChildArgs = JSON.parse(process.argv[2] ?? "{}");
try {
  const runtime = createRuntime(args.config);
  const writer = await startLocalWriter(runtime, args.dataDir, args.poller);
  const profiler = cpuProfiler();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await writer.stop();
    await runtime.stop();
    process.exit(0);
  };
  const answer = async (m: WriterRequest) => {
    if (m.type === "stats") return writer.stats();
    if (m.type === "profileStart") return profiler.start(m.intervalUs);
    if (m.type === "profileStop") return profiler.stop(m.file);
  };
  process.on("message", async (m: WriterRequest | { type: "stop" }) => {
    if (m.type === "stop") return void stop();
    process.send?.({ type: "reply", id: m.id, result: await answer(m) });
  });
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => {});
  process.send?.({ type: "ready" });
} catch (e) {
  process.send?.({ type: "error", message: (e as Error).message });
  process.exit(1);
}
