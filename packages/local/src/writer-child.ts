// The writer's process (see writer-process.ts): the local poller driving the real writer handler.
// It leaves when its parent does (the IPC channel closes), so a killed stack leaves no orphan.
import { createRuntime } from "@hotseat/functions/runtime";
import { writeBatch } from "@hotseat/functions/writer";
import { KinesisPoller } from "./poller.ts";
import type { WriterChildArgs } from "./writer-process.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const args: WriterChildArgs = JSON.parse(process.argv[2] ?? "{}");
try {
  const runtime = createRuntime(args.config);
  const poller = new KinesisPoller(
    runtime.kinesis,
    args.config.pump.streamName,
    (event) => writeBatch(runtime, event),
    args.dataDir,
    args.poller,
  );
  await poller.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await poller.stop();
    await runtime.stop();
    process.exit(0);
  };
  process.on("message", (m: { type: string; id?: number }) => {
    if (m.type === "stop") void stop();
    if (m.type === "stats")
      process.send?.({
        type: "reply",
        id: m.id,
        result: {
          invocations: poller.invocations,
          recordsHandled: poller.recordsHandled,
          millisBehind: Math.max(0, ...poller.millisBehind.values()),
        },
      });
  });
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => {});
  process.send?.({ type: "ready" });
} catch (e) {
  process.send?.({ type: "error", message: (e as Error).message });
  process.exit(1);
}
