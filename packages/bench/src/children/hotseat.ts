// The HotSeat API under load: the real local stack (Redis, kinesalite + dynalite, the API on
// Node, the writer in its own process or this one), instrumented from the outside: every
// Redis command this process sends is counted, the emulators count what reaches them, and the
// sale and the writer are wrapped (never changed) to time the last acknowledged purchase and
// the last persisted order.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { persistedOrders } from "@hotseat/core/db";
import type { Sales } from "@hotseat/core/sale";
import { createSpaceClient, InventorySpace, shardKeys } from "@hotseat/core/space";
import { cpuProfiler } from "@hotseat/local/cpu-profiler";
import { type StackOptions, startStack } from "@hotseat/local/stack";
import type { Redis } from "ioredis";
import { serveParent } from "../child.ts";
import { latencyOf } from "../stats.ts";
import type { EmulatorStats, HotSeatChildOptions, HotSeatCounters, HotSeatInfo, StackSample } from "../types.ts";
import { type LimitedAws, limitAws } from "./aws-limits.ts";

const options: HotSeatChildOptions = JSON.parse(process.argv[2] ?? "{}");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-bench-"));

const stackOptions: StackOptions = {
  dataDir,
  port: 0,
  // As `pnpm start` runs it, minus the per-client rate limit: every buyer here shares one address.
  sweepIntervalMs: 5000,
  purchaseRateLimit: { points: 0, windowSeconds: 1 },
  streamShards: options.streamShards,
  poller: options.poller,
  poll: options.writer !== "none",
  // Its own process as on AWS (the local stack's writer process), or the API's.
  writer: options.writer === "separate" ? "process" : "in-process",
  publisher: options.publisher,
  buyerTokenKey: options.buyerTokenKey,
};
let limited: LimitedAws | null = null;
if (options.awsLimits)
  stackOptions.awsEndpoints = async (e) => {
    limited = await limitAws(e, options.streamShards ?? 4);
    return limited;
  };
const stack = await startStack(stackOptions);
const runtime = stack.runtime;
const writer = stack.writer;
const idle = { persisted: 0, lastPersistAt: 0, invocations: 0, recordsHandled: 0, millisBehind: 0 };
const writerCounters = async () => (await stack.writerStats()) ?? idle;
const redis = runtime.redis as Redis;

// Redis commands, as this process sends them (one command = one request/reply with Redis;
// auto-pipelining may put several in one socket write, counted apart).
const scriptNames = new Map<string, string>();
for (const [name, script] of Object.entries(
  (redis as unknown as { scriptsSet: Record<string, { sha: string }> }).scriptsSet,
))
  scriptNames.set(script.sha, name);
const commands: Record<string, number> = {};
const sendCommand = redis.sendCommand.bind(redis);
redis.sendCommand = ((command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
  let label = command.name;
  if (label === "evalsha") label = `evalsha:${scriptNames.get(String(command.args[0])) ?? "other"}`;
  commands[label] = (commands[label] ?? 0) + 1;
  return (sendCommand as (...a: unknown[]) => unknown)(command, ...rest);
}) as typeof redis.sendCommand;
let socketWrites = 0;
const stream = redis.stream as unknown as { write: (...a: unknown[]) => boolean };
const write = stream.write.bind(stream);
stream.write = (...a: unknown[]) => {
  socketWrites++;
  return write(...a);
};

// The sale and the writer, timed from outside.
const sales = runtime.sales as Sales;
const purchase = sales.purchase.bind(sales);
let purchaseCalls = 0;
let accepted = 0;
let lastAckAt = 0;
// Where a purchase's time goes, stage by stage (ms): the whole of Sales.purchase, the take
// script in Redis, and the pump publish; what is left of the HTTP latency is the server itself.
const stages = { purchase: [] as number[], take: [] as number[], publish: [] as number[] };
const timed =
  <A extends unknown[], R>(into: number[], fn: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    const t = performance.now();
    try {
      return await fn(...a);
    } finally {
      if (into.length < 1_000_000) into.push(performance.now() - t);
    }
  };
const timedPurchase = timed(stages.purchase, purchase);
sales.purchase = async (req) => {
  purchaseCalls++;
  const r = await timedPurchase(req);
  if (r.created) {
    accepted++;
    lastAckAt = Date.now();
  }
  return r;
};
runtime.space.takeTickets = timed(stages.take, runtime.space.takeTickets.bind(runtime.space));
runtime.publisher.publishOrder = timed(stages.publish, runtime.publisher.publishOrder.bind(runtime.publisher));

// The emulators answer a stats request over their IPC channel (see emulators-child.mjs).
let emulatorRequestId = 0;
const emulators = stack.emulators.process;
const emulatorCall = <T>(message: Record<string, unknown>): Promise<T> =>
  new Promise((resolve, reject) => {
    const id = ++emulatorRequestId;
    const timer = setTimeout(() => reject(new Error("emulators did not answer")), 10_000);
    const onMessage = (m: { type: string; id: number }) => {
      if (m?.id !== id) return;
      clearTimeout(timer);
      emulators.off("message", onMessage);
      resolve(m as T);
    };
    emulators.on("message", onMessage);
    emulators.send({ ...message, id });
  });

// A separate connection for the bench's own reads, so they are not counted as the API's.
const probe = createSpaceClient({ url: runtime.config.redis.url });
const probeSpace = new InventorySpace(probe);
const probeCommands: Record<string, number> = {};
const probeSend = probe.sendCommand.bind(probe);
probe.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
  probeCommands[command.name] = (probeCommands[command.name] ?? 0) + 1;
  return (probeSend as (...a: unknown[]) => unknown)(command, ...rest);
}) as typeof probe.sendCommand;

function parseCommandStats(info: string) {
  const out: Record<string, number> = {};
  for (const line of info.split("\n")) {
    const m = line.match(/^cmdstat_([^:]+):calls=(\d+)/);
    if (m?.[1] && m[1] !== "info") out[m[1]] = Number(m[2]);
  }
  return out;
}

let samples: StackSample[] = [];
let sampler: NodeJS.Timeout | null = null;

const methods = {
  /** The stack's runtime configuration, for more API processes (--scale). */
  runtimeConfig: () => stack.config,
  awsLimitCounts: () => (limited as LimitedAws | null)?.counts() ?? null,
  async counters(): Promise<HotSeatCounters> {
    const [info, emu, w] = await Promise.all([
      probe.info("commandstats"),
      emulatorCall<Pick<HotSeatCounters, "emulators">["emulators"]>({ type: "stats" }),
      writerCounters(),
    ]);
    return {
      at: Date.now(),
      purchaseCalls,
      accepted,
      persisted: w.persisted,
      lastAckAt,
      lastPersistAt: w.lastPersistAt,
      redisClient: { ...commands },
      redisSocketWrites: socketWrites,
      redisServer: parseCommandStats(info),
      probeCommands: { ...probeCommands },
      emulators: emu,
      publisherPutCalls: runtime.publisher.putCalls,
      publisherRecords: runtime.publisher.putRecords,
      publisherOrders: runtime.publisher.putOrders,
      pollerInvocations: w.invocations,
      pollerRecords: w.recordsHandled,
      cpu: process.cpuUsage(),
      memory: process.memoryUsage(),
    };
  },
  /** Stage latencies since the last call (and starts over). */
  stageLatencies() {
    const out = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, latencyOf(v)]));
    for (const v of Object.values(stages)) v.length = 0;
    return out;
  },
  /** Samples the show's inventory and the pump's progress every `everyMs`. */
  watch(showId: string, shards: number, everyMs: number) {
    samples = [];
    if (sampler) clearInterval(sampler);
    let busy = false;
    sampler = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        const states = await probeSpace.readShards(showId, shards);
        samples.push({
          at: Date.now(),
          remaining: states.reduce((n, s) => n + s.stock + s.inTransit, 0),
          sold: states.reduce((n, s) => n + s.sold, 0),
          pendingOrders: states.reduce((n, s) => n + s.pendingOrders, 0),
          accepted,
          rssMb: Math.round(process.memoryUsage.rss() / 1048576),
        });
      } finally {
        busy = false;
      }
    }, everyMs);
    return true;
  },
  unwatch() {
    if (sampler) clearInterval(sampler);
    sampler = null;
    return samples;
  },
  /** Waits until every order acknowledged so far is persisted; returns when that happened. */
  async waitDrained(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    await runtime.publisher.drain();
    let w = await writerCounters();
    while (w.persisted < accepted && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      w = await writerCounters();
    }
    await stack.drain(Math.max(1000, deadline - Date.now()));
    return { accepted, persisted: w.persisted, lastAckAt, lastPersistAt: w.lastPersistAt };
  },
  /** The show's orders still held in the space (awaiting payment): id and buyer. */
  async heldOrders(showId: string, shards: number) {
    const held: { id: string; customerId: string }[] = [];
    for (let s = 0; s < shards; s++) {
      const orders = await redis.hgetall(shardKeys(showId, s).orders);
      for (const json of Object.values(orders)) {
        const o = JSON.parse(json) as { id: string; customerId: string; status?: string };
        if (o.status === "held") held.push({ id: o.id, customerId: o.customerId });
      }
    }
    return held;
  },
  /** Counts the show's orders in DynamoDB (its ledger, read consistently), for the oversell check. */
  async persistedOrders(showId: string) {
    const orders = await persistedOrders(runtime.db, showId);
    return { orders: orders.length, tickets: orders.reduce((n, o) => n + o.quantity, 0) };
  },
  async profileStart(intervalUs: number) {
    await Promise.all([
      profiler.start(intervalUs),
      emulatorCall({ type: "profile", action: "start", intervalUs }),
      writer?.profileStart(intervalUs),
    ]);
    return true;
  },
  /** Stops the profiles and writes them to `dir`; returns the files by process name. */
  async profileStop(dir: string) {
    const files: Record<string, string> = { api: path.join(dir, "api.cpuprofile") };
    if (writer) files.writer = path.join(dir, "writer.cpuprofile");
    const [, emu] = await Promise.all([
      profiler.stop(files.api ?? ""),
      emulatorCall<{ files: string[] }>({ type: "profile", action: "stop", dir }),
      files.writer ? writer?.profileStop(files.writer) : null,
    ]);
    for (const f of emu.files) files[path.basename(f, ".cpuprofile")] = f;
    return files;
  },
};

const profiler = cpuProfiler();

const emulatorProcesses = (await emulatorCall<EmulatorStats>({ type: "stats" })).processes;
const info: HotSeatInfo = {
  url: stack.apiUrl ?? "",
  adminToken: stack.adminToken,
  pids: {
    api: process.pid,
    ...Object.fromEntries(emulatorProcesses.map((p) => [p.name, p.pid])),
    redis: stack.redis.process?.pid ?? 0,
    ...(writer ? { writer: writer.pid } : {}),
  },
};
serveParent(info, methods, async () => {
  if (sampler) clearInterval(sampler);
  probe.disconnect();
  await stack.stop();
  await (limited as LimitedAws | null)?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
