import type { BuyerTokens } from "@hotseat/core/buyer";
import { BuyerPool } from "./buyers.ts";
import { type Recording, runClosedLoop } from "./load.ts";
import { round, watchProcesses } from "./proc.ts";
import type { LoadPhase, SaleResult } from "./result.ts";
import {
  countOf,
  diff,
  type Latency,
  lastTimeOf,
  latencyOf,
  latencyWhere,
  peakRate,
  sum,
  throughputSeries,
} from "./stats.ts";
import type { HotSeatCounters, NaiveCounters, StackSample } from "./types.ts";

// One sale against either design (HotSeat or the naive one), and what it cost each process,
// Redis and the emulators: the measurement both designs share.

export type Log = (line: string) => void;

export const purchaseBody = JSON.stringify({ quantity: 1 });
export const purchaseHeaders = { "content-type": "application/json", "idempotency-key": "k-[<id>]" };

export function loadPhase(
  name: string,
  connections: number,
  rec: Recording,
  watch: ReturnType<ReturnType<typeof watchProcesses>["stop"]>,
): LoadPhase {
  const seconds = rec.durationMs / 1000;
  return {
    name,
    connections,
    durationMs: Math.round(rec.durationMs),
    requests: rec.count,
    requestsPerSec: Math.round(rec.count / seconds),
    statusCounts: rec.statusCounts(),
    errors: rec.errors,
    latency: latencyOf(rec.latencies),
    cpuSeconds: watch.cpuSeconds,
    cpuMicrosPerRequest: Object.fromEntries(
      Object.entries(watch.cpuSeconds).map(([p, sec]) => [p, rec.count ? Math.round((sec * 1e6) / rec.count) : 0]),
    ),
    throughput: throughputSeries(rec, 250, (s) => (s >= 200 && s < 300 ? "ok" : "other")),
    cpu: watch.series,
  };
}

export interface SaleTarget {
  url: string;
  showId: string;
  capacity: number;
  shards: number;
  pids: Record<string, number>;
  counters: () => Promise<HotSeatCounters | NaiveCounters>;
  /** Sold and persisted as the system itself counts them, after the drain. */
  audit: () => Promise<{ soldInSpace: number; soldPersisted: number; ordersPersisted: number }>;
  drain?: (timeoutMs: number) => Promise<{ lastAckAt: number; lastPersistAt: number }>;
  watch?: { start: () => Promise<unknown>; stop: () => Promise<StackSample[]> };
  stages?: () => Promise<Record<string, Latency>>;
  profile?: { start: () => Promise<unknown>; stop: () => Promise<Record<string, string>> };
  /** Signs the sale's buyers in before it opens. */
  tokens: BuyerTokens;
}

/** A sale: every buyer at once until sold out and `beyondMs` past it; then the drain and the audit. */
export async function runSale(
  name: string,
  t: SaleTarget,
  connections: number,
  beyondMs: number,
  maxMs: number,
): Promise<{ sale: SaleResult; profiles?: Record<string, string>; buyers: BuyerPool }> {
  // One signed-in buyer per ticket, and the crowd beyond: each buyer's first attempt is a fresh token to check.
  const buyers = await BuyerPool.signIn(t.tokens, t.capacity + connections, name.replace(/\W+/g, "-"));
  await t.watch?.start();
  await t.stages?.();
  const before = await t.counters();
  await t.profile?.start();
  const watch = watchProcesses({ loadgen: process.pid, ...t.pids });
  const rec = await runClosedLoop({
    url: t.url,
    method: "POST",
    path: `/shows/${t.showId}/orders`,
    headers: purchaseHeaders,
    body: purchaseBody,
    connections,
    maxDurationMs: maxMs,
    stopAfterStatus: { status: 409, afterMs: beyondMs },
    authorization: () => buyers.authorization(),
  });
  const loadEnd = await t.counters();
  const stages = await t.stages?.();
  const drained = await t.drain?.(60_000);
  const processes = watch.stop();
  const profiles = await t.profile?.stop();
  const after = await t.counters();
  const samples = (await t.watch?.stop()) ?? [];
  const audit = await t.audit();

  const orders = countOf(rec, (s) => s === 201);
  const sellOutMs = lastTimeOf(rec, 201);
  const soldAcknowledged = orders;
  const oversold = Math.max(0, soldAcknowledged, audit.soldInSpace, audit.soldPersisted) - t.capacity;
  const phase = loadPhase(name, connections, rec, processes);
  phase.throughput = throughputSeries(rec, 250, (s) =>
    s === 201 ? "orders" : s === 409 ? "rejected" : s >= 200 && s < 300 ? "ok" : "other",
  );

  const dynamoCalls = diff(opCalls(before.emulators.traffic.dynamo), opCalls(after.emulators.traffic.dynamo));
  const kinesisCalls = diff(opCalls(before.emulators.traffic.kinesis), opCalls(after.emulators.traffic.kinesis));
  const emulatorServiceMs: SaleResult["emulatorServiceMs"] = {};
  for (const [svc, b, a] of [
    ["dynamo", before.emulators.traffic.dynamo, after.emulators.traffic.dynamo],
    ["kinesis", before.emulators.traffic.kinesis, after.emulators.traffic.kinesis],
  ] as const) {
    for (const [op, s] of Object.entries(a)) {
      const calls = s.calls - (b[op]?.calls ?? 0);
      if (calls <= 0) continue;
      emulatorServiceMs[`${svc}.${op}`] = {
        calls,
        meanMs: round((s.totalMs - (b[op]?.totalMs ?? 0)) / calls, 2),
        maxMs: round(s.maxMs, 1),
      };
    }
  }

  let redis: Pick<
    SaleResult,
    | "redisServerCommands"
    | "redisCommandsPerOrder"
    | "redisClientCommands"
    | "redisRoundTripsPerPurchase"
    | "redisSocketWritesPerPurchase"
  > = {
    redisServerCommands: {},
    redisCommandsPerOrder: null,
    redisClientCommands: {},
    redisRoundTripsPerPurchase: null,
    redisSocketWritesPerPurchase: null,
  };
  if ("redisClient" in before && "redisClient" in after && "redisClient" in loadEnd) {
    // Everything Redis ran for this sale, drain included, minus the bench's own probe reads.
    const server = diff(before.redisServer, after.redisServer);
    const probes = diff(before.probeCommands, after.probeCommands);
    for (const [k, v] of Object.entries(probes)) server[k] = (server[k] ?? 0) - v;
    // Round trips of the purchase path, counted where they leave the API: every purchase runs
    // the take script once, and every accepted one also indexes its order id (SET).
    const client = diff(before.redisClient, loadEnd.redisClient);
    const purchases = loadEnd.purchaseCalls - before.purchaseCalls;
    const accepted = loadEnd.accepted - before.accepted;
    const takes = client["evalsha:takeTickets"] ?? 0;
    const indexes = client.set ?? 0;
    redis = {
      redisServerCommands: server,
      redisCommandsPerOrder: orders ? round(sum(server) / orders, 2) : null,
      redisClientCommands: client,
      redisRoundTripsPerPurchase: purchases && accepted ? round(takes / purchases + indexes / accepted, 3) : null,
      redisSocketWritesPerPurchase: purchases
        ? round((loadEnd.redisSocketWrites - before.redisSocketWrites) / purchases, 3)
        : null,
    };
  }

  const t0 = rec.startEpochMs;
  const cpuMicrosPerOrder: Record<string, number> = {};
  for (const [p, s] of Object.entries(processes.cpuSeconds))
    cpuMicrosPerOrder[p] = orders ? Math.round((s * 1e6) / orders) : 0;
  const sale: SaleResult = {
    ...phase,
    capacity: t.capacity,
    shards: t.shards,
    soldAcknowledged,
    soldInSpace: audit.soldInSpace,
    soldPersisted: audit.soldPersisted,
    ordersPersisted: audit.ordersPersisted,
    oversold: Math.max(0, oversold),
    sellOutMs: Math.round(sellOutMs),
    ordersPerSec: sellOutMs > 0 ? Math.round(orders / (sellOutMs / 1000)) : 0,
    peakOrdersPerSec: peakRate(rec, 201, 1000),
    orderLatency: latencyWhere(rec, (s) => s === 201),
    rejectionLatency: latencyWhere(rec, (s) => s === 409),
    pumpDrainMs: drained ? Math.max(0, drained.lastPersistAt - drained.lastAckAt) : null,
    dynamoCalls,
    dynamoCallsPerOrder: orders ? round(sum(dynamoCalls) / orders, 4) : null,
    kinesisCalls,
    pumpBatchRecords: kinesisCalls.PutRecords ? round(orders / kinesisCalls.PutRecords, 1) : null,
    pumpOrdersPerRecord:
      "publisherRecords" in before && "publisherRecords" in after && after.publisherRecords > before.publisherRecords
        ? round(
            (after.publisherOrders - before.publisherOrders) / (after.publisherRecords - before.publisherRecords),
            1,
          )
        : null,
    ...redis,
    emulatorServiceMs,
    stages,
    peakRssBytes: processes.peakRssBytes,
    cpuMicrosPerOrder,
    timeline: samples.map((s) => ({
      t: round((s.at - t0) / 1000, 2),
      remaining: s.remaining,
      accepted: s.sold,
      persisted: s.sold - s.pendingOrders,
      lag: s.pendingOrders,
      rssMb: s.rssMb,
    })),
  };
  return { sale, profiles, buyers };
}

const opCalls = (traffic: Record<string, { calls: number }>) =>
  Object.fromEntries(Object.entries(traffic).map(([op, s]) => [op, s.calls]));
