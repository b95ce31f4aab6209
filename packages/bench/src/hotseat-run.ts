import os from "node:os";
import type { BuyerTokens } from "@hotseat/core/buyer";
import { BuyerPool } from "./buyers.ts";
import { spawnChild } from "./child.ts";
import type { BenchConfig } from "./config.ts";
import type { AwsLimitsReport } from "./costs.ts";
import { runClosedLoop, runEach, runPaced } from "./load.ts";
import { sampleProcess, watchProcesses } from "./proc.ts";
import type { LatencyPhase, PaymentPhase } from "./result.ts";
import { type Log, loadPhase, purchaseBody, runSale, type SaleTarget } from "./sale.ts";
import { runScale, type ScaleStep } from "./scale.ts";
import { countOf, latencyOf, latencyWhere } from "./stats.ts";
import type { HotSeatCounters, HotSeatInfo, StackSample } from "./types.ts";

// HotSeat's part of the bench: the real stack in its own process, then on it a warm-up sale, the
// sale, every buyer paying for their hold, purchases at half the peak rate, availability polling
// and (with --scale) more API processes.

async function adminCall<T>(url: string, token: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export interface HotSeatRunContext {
  buyerTokenKey: string;
  tokens: BuyerTokens;
  emulatorEnv: Record<string, string>;
  nodeFlags: string[];
  profileDir: string;
  log: Log;
}

export async function runHotSeat(config: BenchConfig, ctx: HotSeatRunContext) {
  const { buyerTokenKey, tokens, emulatorEnv, nodeFlags, profileDir, log } = ctx;
  const hs = await spawnChild<HotSeatInfo>("hotseat", [JSON.stringify({ ...config.stack, buyerTokenKey })], {
    nodeFlags,
    env: emulatorEnv,
  });
  const { url, adminToken, pids } = hs.info;
  const hsPids: Record<string, number> = { ...pids };
  if (config.persistenceNice) {
    for (const name of ["writer", "dynalite"]) {
      const pid = hsPids[name];
      if (pid) os.setPriority(pid, config.persistenceNice);
    }
  }
  const newShow = async (capacity: number, name: string) => {
    const { show } = await adminCall<{ show: { id: string } }>(url, adminToken, "POST", "/admin/shows", {
      name,
      venue: "Bench Arena",
      startsAt: "2030-01-01T20:00:00Z",
      capacity,
      priceCents: 5000,
      maxPerCustomer: 4,
      shards: config.shards,
    });
    await adminCall(url, adminToken, "POST", `/admin/shows/${show.id}/preload`);
    return show.id;
  };
  const hotseatTarget = (showId: string, capacity: number, profile: boolean): SaleTarget => ({
    url,
    showId,
    capacity,
    tokens,
    shards: config.shards,
    pids: hsPids,
    counters: () => hs.call<HotSeatCounters>("counters"),
    drain: (ms) => hs.call("waitDrained", config.awsLimits ? 600_000 : ms),
    audit: async () => {
      const stats = await adminCall<{ sold: number }>(url, adminToken, "GET", `/admin/shows/${showId}/stats`);
      const persisted = await hs.call<{ orders: number; tickets: number }>("persistedOrders", showId);
      return { soldInSpace: stats.sold, soldPersisted: persisted.tickets, ordersPersisted: persisted.orders };
    },
    stages: () => hs.call("stageLatencies"),
    watch: {
      start: () => hs.call("watch", showId, config.shards, 100),
      stop: () => hs.call<StackSample[]>("unwatch"),
    },
    profile: profile
      ? {
          start: () => hs.call("profileStart", 1000),
          stop: () => hs.call<Record<string, string>>("profileStop", profileDir),
        }
      : undefined,
  });

  log(`hotseat: warm-up sale (${config.warmupTickets} tickets)`);
  const warm = await runSale(
    "hotseat warm-up",
    hotseatTarget(await newShow(config.warmupTickets, "Warm-up"), config.warmupTickets, false),
    config.connections,
    0,
    config.warmupMs + 10_000,
  );
  log(`hotseat: the sale (${config.capacity} tickets, ${config.connections} buyers at once)`);
  const saleShow = await newShow(config.capacity, "The Hot Show");
  const {
    sale,
    profiles: profileFiles,
    buyers: saleBuyers,
  } = await runSale(
    "hotseat sale",
    hotseatTarget(saleShow, config.capacity, config.profile),
    config.connections,
    config.beyondMs,
    config.saleMaxMs,
  );
  log(
    `  ${sale.ordersPerSec} orders/s (peak ${sale.peakOrdersPerSec}), sold ${sale.soldPersisted}/${sale.capacity}, oversold ${sale.oversold}, p99 ${sale.orderLatency.p99} ms, drain ${sale.pumpDrainMs} ms`,
  );

  // Checkout: the sale's show is priced, so every purchase above is a hold; each buyer now pays it
  // (the test provider's card), as many at once as buyers were in flight.
  log("hotseat: every buyer pays for their hold (the test provider's card)");
  const held = await hs.call<{ id: string; customerId: string }[]>("heldOrders", saleShow, config.shards);
  const payWatch = watchProcesses({ loadgen: process.pid, ...hsPids });
  const payRec = await runEach({
    url,
    concurrency: config.connections,
    count: held.length,
    request: (i) => ({
      path: `/orders/${held[i]?.id}/test-payment`,
      headers: {
        "content-type": "application/json",
        authorization: saleBuyers.authorizationOf(held[i]?.customerId ?? "") ?? "",
      },
      body: '{"card":"4242424242424242"}',
    }),
  });
  const payProcesses = payWatch.stop();
  const paid = countOf(payRec, (s) => s === 200);
  await hs.call("waitDrained", config.awsLimits ? 600_000 : 60_000);
  const afterPayment = await adminCall<{ confirmed: number; held: number }>(
    url,
    adminToken,
    "GET",
    `/admin/shows/${saleShow}/stats`,
  );
  const payment: PaymentPhase = {
    orders: held.length,
    paid,
    confirmedAfter: afterPayment.confirmed,
    heldAfter: afterPayment.held,
    durationMs: Math.round(payRec.durationMs),
    paymentsPerSec: Math.round(paid / Math.max(0.001, payRec.durationMs / 1000)),
    statusCounts: payRec.statusCounts(),
    latency: latencyOf(payRec.latencies),
    cpuMicrosPerPayment: Object.fromEntries(
      Object.entries(payProcesses.cpuSeconds).map(([p, sec]) => [p, paid ? Math.round((sec * 1e6) / paid) : 0]),
    ),
  };
  log(
    `  ${paid}/${held.length} paid at ${payment.paymentsPerSec}/s, p99 ${payment.latency.p99} ms; ${afterPayment.confirmed} confirmed, ${afterPayment.held} still held`,
  );

  // Half the peak rate, open loop, on a show with enough tickets for the whole run.
  const halfRate = Math.max(10, Math.round(sale.ordersPerSec / 2));
  const halfTickets = Math.ceil((halfRate * config.halfRateMs) / 1000) + 100;
  log(`hotseat: latency at half the peak rate (${halfRate}/s for ${config.halfRateMs / 1000} s)`);
  const halfShow = await newShow(halfTickets, "Half rate");
  const run = Date.now().toString(36);
  const halfBuyers = await BuyerPool.signIn(tokens, Math.ceil((halfRate * config.halfRateMs) / 1000) + 1, "half");
  await hs.call("stageLatencies");
  const {
    rec: halfRec,
    sentLatencies,
    sendLags,
  } = await runPaced({
    url,
    path: `/shows/${halfShow}/orders`,
    method: "POST",
    ratePerSec: halfRate,
    durationMs: config.halfRateMs,
    maxSockets: config.connections,
    request: (i) => ({
      headers: {
        "content-type": "application/json",
        "idempotency-key": `half-${run}-${i}`,
        authorization: halfBuyers.authorization(),
      },
      body: purchaseBody,
    }),
  });
  const halfPhase: LatencyPhase = {
    name: "hotseat purchases at half the peak rate",
    targetRatePerSec: halfRate,
    achievedRatePerSec: Math.round(halfRec.count / (halfRec.durationMs / 1000)),
    durationMs: Math.round(halfRec.durationMs),
    requests: halfRec.count,
    statusCounts: halfRec.statusCounts(),
    errors: halfRec.errors,
    latency: latencyWhere(halfRec, (s) => s === 201),
    sentLatency: latencyOf(sentLatencies),
    sendLag: latencyOf(sendLags),
    stages: await hs.call("stageLatencies"),
  };
  log(`  p50 ${halfPhase.latency.p50} ms, p95 ${halfPhase.latency.p95} ms, p99 ${halfPhase.latency.p99} ms`);

  log("hotseat: availability polling");
  const availWatch = watchProcesses({ loadgen: process.pid, ...hsPids });
  const availRec = await runClosedLoop({
    url,
    path: `/shows/${saleShow}/availability`,
    connections: config.connections,
    maxDurationMs: config.availabilityMs,
  });
  const availability = loadPhase("hotseat availability", config.connections, availRec, availWatch.stop());
  log(`  ${availability.requestsPerSec} req/s, p99 ${availability.latency.p99} ms`);
  const hotseatPeakRss = Object.fromEntries(
    Object.entries(hsPids).map(([n, pid]) => [n, sampleProcess(pid)?.peakRssBytes ?? 0]),
  );
  const hotseatLimitCounts: AwsLimitsReport["hotseat"] = config.awsLimits ? await hs.call("awsLimitCounts") : null;
  // 2b. --scale: the same sale (free tickets) with 1, 2, 4 and 8 API processes against the stack's Redis.
  let scale: ScaleStep[] | null = null;
  if (config.scale) {
    log("scale: the same sale with 1, 2, 4 and 8 API processes against one Redis");
    scale = await runScale({
      runtimeConfig: await hs.call("runtimeConfig"),
      adminToken,
      tokens,
      capacity: config.mode === "smoke" ? 200 : 20_000,
      connections: config.connections,
      redisPid: hsPids.redis ?? 0,
      maxMs: config.saleMaxMs,
      log,
    });
  }
  await hs.stop();
  return {
    warm: warm.sale,
    sale,
    profileFiles,
    payment,
    halfRate: halfPhase,
    availability,
    peakRssBytes: hotseatPeakRss,
    limitCounts: hotseatLimitCounts,
    scale,
  };
}
