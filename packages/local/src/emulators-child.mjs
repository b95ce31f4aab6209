// Runs kinesalite and dynalite in their own process, off the API's event loop. Started by
// emulators.ts over IPC; exits when its parent goes away, so a killed stack leaves no orphan.
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import dynalite from "dynalite";
import kinesalite from "kinesalite";

const dataDir = process.argv[2];
const kinesisPort = Number(process.argv[3] ?? 0);
const dynamoPort = Number(process.argv[4] ?? 0);
const kinesisPath = path.join(dataDir, "kinesis");
const dynamoPath = path.join(dataDir, "dynamodb");
fs.mkdirSync(kinesisPath, { recursive: true });
fs.mkdirSync(dynamoPath, { recursive: true });

const listen = (server, port) =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server.address().port));
  });

// The bench may ask for in-memory stores (no LevelDB on disk): its data is thrown away anyway, and
// the emulators share the machine with what is measured. `pnpm start` always persists.
const inMemory = process.env.HOTSEAT_EMULATORS_IN_MEMORY === "1";
const kinesis = kinesalite({
  path: inMemory ? undefined : kinesisPath,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 50,
});
const dynamo = dynalite({
  path: inMemory ? undefined : dynamoPath,
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
// What reaches each emulator, by operation (the X-Amz-Target header), with the time spent answering:
// the bench asks for it over IPC to count DynamoDB calls per order and to tell the emulators' cost from ours.
const traffic = { kinesis: {}, dynamo: {} };
const countRequests = (server, counts) =>
  server.on("request", (req, res) => {
    const op = String(req.headers["x-amz-target"] ?? "unknown")
      .split(".")
      .pop();
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      counts[op] ??= { calls: 0, totalMs: 0, maxMs: 0 };
      const c = counts[op];
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      c.calls++;
      c.totalMs += ms;
      if (ms > c.maxMs) c.maxMs = ms;
    });
  });
countRequests(kinesis, traffic.kinesis);
countRequests(dynamo, traffic.dynamo);
let profiler = null;
process.on("message", async (m) => {
  if (m?.type === "profile") {
    // A CPU profile of just the window the bench cares about (node:inspector, no restart needed).
    if (m.action === "start") {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.setSamplingInterval", { interval: m.intervalUs ?? 1000 });
      await profiler.post("Profiler.start");
    } else if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      fs.writeFileSync(m.file, JSON.stringify(profile));
      profiler.disconnect();
      profiler = null;
    }
    process.send?.({ type: "profile", id: m.id });
    return;
  }
  if (m?.type !== "stats") return;
  process.send?.({
    type: "stats",
    id: m.id,
    traffic,
    cpu: process.cpuUsage(),
    memory: process.memoryUsage(),
    pid: process.pid,
  });
});

try {
  const ports = { kinesis: await listen(kinesis, kinesisPort), dynamo: await listen(dynamo, dynamoPort) };
  process.send?.({ type: "ready", ports });
} catch (e) {
  process.send?.({ type: "error", message: String(e?.message ?? e) });
  process.exit(1);
}

const shutdown = () => {
  let open = 2;
  const done = () => --open === 0 && process.exit(0);
  kinesis.close(done);
  dynamo.close(done);
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("disconnect", shutdown);
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
