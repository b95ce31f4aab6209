// Runs kinesalite and dynalite in their own process, off the API's event loop. Started by
// emulators.ts over IPC; exits when its parent goes away, so a killed stack leaves no orphan.
// With HOTSEAT_EMULATORS_SPLIT=1, dynalite gets a process of its own (a child of this one): the
// writer's DynamoDB load then no longer delays the PutRecords that every purchase waits for.
import { fork } from "node:child_process";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import dynalite from "dynalite";
import kinesalite from "kinesalite";

const dataDir = process.argv[2];
const kinesisPort = Number(process.argv[3] ?? 0);
const dynamoPort = Number(process.argv[4] ?? 0);
/** both | kinesis (and a dynalite child) | dynamo (that child) */
const role = process.argv[5] ?? (process.env.HOTSEAT_EMULATORS_SPLIT === "1" ? "kinesis" : "both");
const kinesisPath = path.join(dataDir, "kinesis");
const dynamoPath = path.join(dataDir, "dynamodb");

const listen = (server, port) =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server.address().port));
  });

// The bench may ask for in-memory stores (no LevelDB on disk): its data is thrown away anyway, and
// the emulators share the machine with what is measured. `pnpm start` always persists.
const inMemory = process.env.HOTSEAT_EMULATORS_IN_MEMORY === "1";
const servers = {};
if (role !== "dynamo") {
  if (!inMemory) fs.mkdirSync(kinesisPath, { recursive: true });
  servers.kinesis = kinesalite({
    path: inMemory ? undefined : kinesisPath,
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 50,
  });
}
if (role !== "kinesis") {
  if (!inMemory) fs.mkdirSync(dynamoPath, { recursive: true });
  servers.dynamo = dynalite({
    path: inMemory ? undefined : dynamoPath,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
}

// What reaches each emulator, by operation (the X-Amz-Target header), with the time spent answering:
// the bench asks for it over IPC to count DynamoDB calls per order and to tell the emulators' cost from ours.
const traffic = { kinesis: {}, dynamo: {} };
for (const [name, server] of Object.entries(servers)) {
  const counts = traffic[name];
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
}
const processName = role === "both" ? "emulators" : role === "kinesis" ? "kinesalite" : "dynalite";

// The dynalite child, when split: same protocol, one level down.
let dynamoChild = null;
let nextId = 0;
const askChild = (m) =>
  new Promise((resolve) => {
    if (!dynamoChild) return resolve(null);
    const id = `c${++nextId}`;
    const onMessage = (r) => {
      if (r?.id !== id) return;
      dynamoChild.off("message", onMessage);
      resolve(r);
    };
    dynamoChild.on("message", onMessage);
    dynamoChild.send({ ...m, id });
  });

let profiler = null;
process.on("message", async (m) => {
  if (m?.type === "profile") {
    // A CPU profile of just the window the bench cares about (node:inspector, no restart needed).
    const files = [];
    if (m.action === "start") {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.setSamplingInterval", { interval: m.intervalUs ?? 1000 });
      await profiler.post("Profiler.start");
    } else if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      const file = path.join(m.dir, `${processName}.cpuprofile`);
      fs.mkdirSync(m.dir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      files.push(file);
      profiler.disconnect();
      profiler = null;
    }
    const child = await askChild({ type: "profile", action: m.action, intervalUs: m.intervalUs, dir: m.dir });
    process.send?.({ type: "profile", id: m.id, files: [...files, ...(child?.files ?? [])] });
    return;
  }
  if (m?.type !== "stats") return;
  const child = await askChild({ type: "stats" });
  const own = { name: processName, pid: process.pid, cpu: process.cpuUsage(), memory: process.memoryUsage() };
  process.send?.({
    type: "stats",
    id: m.id,
    traffic: { kinesis: traffic.kinesis, dynamo: child ? child.traffic.dynamo : traffic.dynamo },
    cpu: own.cpu,
    memory: own.memory,
    pid: own.pid,
    processes: [own, ...(child?.processes ?? [])],
  });
});

try {
  const ports = {};
  if (servers.kinesis) ports.kinesis = await listen(servers.kinesis, kinesisPort);
  if (servers.dynamo) ports.dynamo = await listen(servers.dynamo, dynamoPort);
  if (role === "kinesis") {
    dynamoChild = fork(fileURLToPath(import.meta.url), [dataDir, "0", String(dynamoPort), "dynamo"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: [],
    });
    ports.dynamo = await new Promise((resolve, reject) => {
      dynamoChild.once("exit", (code) => reject(new Error(`dynalite exited with ${code}`)));
      dynamoChild.once("message", (r) =>
        r?.type === "ready" ? resolve(r.ports.dynamo) : reject(new Error(r?.message)),
      );
    });
  }
  process.send?.({ type: "ready", ports });
} catch (e) {
  process.send?.({ type: "error", message: String(e?.message ?? e) });
  process.exit(1);
}

const shutdown = () => {
  const open = Object.values(servers);
  let left = open.length + (dynamoChild ? 1 : 0);
  const done = () => --left === 0 && process.exit(0);
  for (const server of open) server.close(done);
  if (dynamoChild) {
    if (dynamoChild.exitCode !== null) done();
    else {
      dynamoChild.once("exit", done);
      dynamoChild.kill("SIGTERM");
    }
  }
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("disconnect", shutdown);
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
