import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newOrderId, type OrderRecord } from "@hotseat/core/order";
import { newShowId } from "@hotseat/core/show";
import { createSpaceClient, InventorySpace, type SpaceClient } from "@hotseat/core/space";
import { startRedis } from "@hotseat/local/redis";

/**
 * What one order costs the space, the single thread that bounds one hot show on AWS: the take
 * script alone, pipelined from several clients at one show, then the rest of an order's life in
 * Redis (the order index, the writer's confirmation in batches, a sweep's look at the show), side
 * by side with a bare DECRBY on the same server (the ceiling). Redis CPU comes from `INFO cpu`
 * (the server's own user + system time), commands and their time from `INFO commandstats`
 * (calls made inside a script counted as Redis counts them).
 */
export interface SpacePart {
  name: string;
  orders: number;
  seconds: number;
  /** Redis CPU (user + system) per order, from INFO cpu. */
  redisCpuMicrosPerOrder: number;
  /** Every command Redis ran, per order (inside scripts included). */
  commandsPerOrder: number;
  /** Per command: calls per order and µs per call, from commandstats. */
  commands: Record<string, { perOrder: number; usecPerCall: number }>;
}

export interface SpaceCostResult {
  clients: number;
  inFlightPerClient: number;
  orders: number;
  parts: SpacePart[];
  /** Take + index + confirmation + sweep. */
  total: { redisCpuMicrosPerOrder: number; commandsPerOrder: number; ordersPerSecPerCore: number };
  /** The same clients and concurrency sending DECRBY. */
  ceiling: { redisCpuMicrosPerOp: number; opsPerSecPerCore: number; opsPerSec: number };
  /** Take alone: orders/s at full pipelining, per Redis core (1 s / CPU per order). */
  take: { ordersPerSec: number; ordersPerSecPerCore: number };
  /** ceiling µs / whole order µs (1 = an order costs Redis what a DECRBY does). */
  ratio: number;
}

async function info(redis: SpaceClient, section: string): Promise<Record<string, string>> {
  const text = String(await (redis as import("ioredis").Redis).info(section));
  return Object.fromEntries(
    text
      .split("\r\n")
      .filter((l) => l.includes(":"))
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]),
  );
}
const cpuSeconds = async (redis: SpaceClient) => {
  const i = await info(redis, "cpu");
  return Number(i.used_cpu_user) + Number(i.used_cpu_sys);
};
async function commandStats(redis: SpaceClient) {
  const out: Record<string, { calls: number; usec: number }> = {};
  for (const [k, v] of Object.entries(await info(redis, "commandstats"))) {
    const name = k.replace(/^cmdstat_/, "");
    const calls = Number(/calls=(\d+)/.exec(v)?.[1] ?? 0);
    const usec = Number(/usec=(\d+)/.exec(v)?.[1] ?? 0);
    out[name] = { calls, usec };
  }
  return out;
}

/** Runs `work` with Redis's counters reset before and read after; the probe's own INFO calls excluded. */
async function measure(
  probe: SpaceClient,
  name: string,
  orders: number,
  work: () => Promise<void>,
): Promise<SpacePart> {
  await (probe as import("ioredis").Redis).config("RESETSTAT");
  const cpuBefore = await cpuSeconds(probe);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = (await cpuSeconds(probe)) - cpuBefore;
  const stats = await commandStats(probe);
  // The probe's own CONFIG and INFO calls are not the order's.
  delete stats.config;
  delete stats.info;
  const commands: SpacePart["commands"] = {};
  let all = 0;
  for (const [cmd, s] of Object.entries(stats)) {
    commands[cmd] = { perOrder: round(s.calls / orders, 3), usecPerCall: round(s.usec / Math.max(1, s.calls), 2) };
    all += s.calls;
  }
  return {
    name,
    orders,
    seconds: round(seconds, 2),
    redisCpuMicrosPerOrder: round((cpu * 1e6) / orders, 1),
    commandsPerOrder: round(all / orders, 2),
    commands,
  };
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `count` jobs from `clients` clients, `inFlight` at a time each. */
async function fanOut<C>(
  clients: C[],
  inFlight: number,
  count: number,
  job: (client: C, i: number) => Promise<unknown>,
) {
  let next = 0;
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: inFlight }, async () => {
        for (let i = next++; i < count; i = next++) await job(client, i);
      }),
    ),
  );
}

export async function runSpaceCost(o: {
  orders: number;
  clients?: number;
  inFlightPerClient?: number;
  confirmBatch?: number;
  log?: (line: string) => void;
}): Promise<SpaceCostResult> {
  const clientsN = o.clients ?? 4;
  const inFlight = o.inFlightPerClient ?? 32;
  const confirmBatch = o.confirmBatch ?? 500;
  const log = o.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-bench-space-"));
  const redis = await startRedis(dir);
  const probe = createSpaceClient({ url: redis.url, cluster: false, tls: false });
  const clients = Array.from({ length: clientsN }, () =>
    createSpaceClient({ url: redis.url, cluster: false, tls: false }),
  );
  const spaces = clients.map((c) => new InventorySpace(c));
  try {
    const showId = newShowId();
    const first = spaces[0] as InventorySpace;
    await first.loadShard(showId, 0, o.orders, 4);
    await first.markOnSale(showId);
    // Warm: the scripts loaded on every connection, the connections open.
    await Promise.all(spaces.map((s) => s.readShards(showId, 1)));

    const records: OrderRecord[] = new Array(o.orders);
    const nowMs = Date.now();
    log(`  space: take script alone, ${o.orders} orders from ${clientsN} clients × ${inFlight} in flight`);
    const take = await measure(probe, "take", o.orders, () =>
      fanOut(spaces, inFlight, o.orders, async (space, i) => {
        const order = {
          id: newOrderId(),
          showId,
          customerId: `cus_space${i}`,
          quantity: 1,
          createdAt: new Date(nowMs).toISOString(),
          idempotencyKey: `space-key-${i}`,
          shard: 0,
          priceCents: 0,
          status: "confirmed" as const,
          version: 1,
        };
        const r = await space.takeTickets({
          showId,
          shard: 0,
          customerId: order.customerId,
          idempotencyKey: order.idempotencyKey,
          fingerprint: "q1",
          order,
          holdMs: 0,
        });
        if (r.outcome !== "ok") throw new Error(`space bench: take ${i} answered ${r.outcome}`);
        records[i] = r.record;
      }),
    );
    const index = await measure(probe, "order index", o.orders, () =>
      fanOut(spaces, inFlight, o.orders, (space, i) => space.indexOrder(records[i] as OrderRecord, 0)),
    );
    const batches = Math.ceil(o.orders / confirmBatch);
    const confirmation = await measure(probe, "confirmation", o.orders, () =>
      fanOut(spaces, 1, batches, (space, b) =>
        space.confirmPersisted(showId, 0, records.slice(b * confirmBatch, (b + 1) * confirmBatch)),
      ),
    );
    // The sweeper looks at each shard of each show on sale every few seconds: stale pending
    // orders, lapsed holds, old loans. Counted here as one look per 2,000 orders (a sweep every
    // 5 s at 400 orders/s a shard), pessimistic for a hot show.
    const sweeps = Math.max(1, Math.round(o.orders / 2000));
    const sweep = await measure(probe, "sweep", o.orders, () =>
      fanOut([first], 1, sweeps, async (space) => {
        await space.pendingOrders(showId, 0, Date.now() - 10_000);
        await space.reclaimHolds(showId, 0);
        await space.settleLoans(showId, 0, 10_000);
      }),
    );
    const ceilingKey = `bench:decrby:${showId}`;
    await (clients[0] as import("ioredis").Redis).set(ceilingKey, String(o.orders));
    const ceilingPart = await measure(probe, "DECRBY", o.orders, () =>
      fanOut(clients, inFlight, o.orders, (c) => (c as import("ioredis").Redis).decrby(ceilingKey, 1)),
    );

    const parts = [take, index, confirmation, sweep];
    const totalMicros = parts.reduce((s, p) => s + p.redisCpuMicrosPerOrder, 0);
    const totalCommands = parts.reduce((s, p) => s + p.commandsPerOrder, 0);
    return {
      clients: clientsN,
      inFlightPerClient: inFlight,
      orders: o.orders,
      parts,
      total: {
        redisCpuMicrosPerOrder: round(totalMicros, 1),
        commandsPerOrder: round(totalCommands, 2),
        ordersPerSecPerCore: Math.round(1e6 / totalMicros),
      },
      ceiling: {
        redisCpuMicrosPerOp: ceilingPart.redisCpuMicrosPerOrder,
        opsPerSecPerCore: Math.round(1e6 / ceilingPart.redisCpuMicrosPerOrder),
        opsPerSec: Math.round(o.orders / ceilingPart.seconds),
      },
      take: {
        ordersPerSec: Math.round(o.orders / take.seconds),
        ordersPerSecPerCore: Math.round(1e6 / take.redisCpuMicrosPerOrder),
      },
      ratio: round(ceilingPart.redisCpuMicrosPerOrder / totalMicros, 3),
    };
  } finally {
    await Promise.all([...clients, probe].map((c) => c.quit().catch(() => {})));
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
