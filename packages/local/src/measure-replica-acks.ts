/**
 * What SPACE_REPLICA_ACKS costs a take, on a local Redis Cluster (3 primaries, a replica each, TLS): takes one at a
 * time and 32 at once, with WAIT off and with 1 replica. Prints latency percentiles and takes/s; the figures are for
 * README, not a test (`pnpm --filter @hotseat/local exec tsx src/measure-replica-acks.ts`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newOrderId } from "@hotseat/core/order";
import { newShowId } from "@hotseat/core/show";
import { createSpaceClient, InventorySpace } from "@hotseat/core/space";
import { startRedisCluster } from "./redis-cluster.ts";

const TAKES = Number(process.env.TAKES ?? 2000);
const cluster = await startRedisCluster(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-measure-acks-")));
const client = createSpaceClient(cluster.connection);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function run(replicaAcks: number, concurrency: number) {
  const space = new InventorySpace(client, { replicaAcks });
  const showId = newShowId();
  await space.loadShard(showId, 0, TAKES, TAKES);
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < TAKES) {
        const i = next++;
        const id = newOrderId();
        const key = `measure-${i}-key`;
        const t0 = performance.now();
        const r = await space.takeTickets({
          showId,
          shard: 0,
          customerId: `cus_${i}`,
          idempotencyKey: key,
          fingerprint: "q1",
          order: {
            id,
            showId,
            customerId: `cus_${i}`,
            quantity: 1,
            createdAt: new Date().toISOString(),
            idempotencyKey: key,
            shard: 0,
            priceCents: 0,
            status: "confirmed",
            version: 1,
          },
          holdMs: 0,
        });
        times.push(performance.now() - t0);
        if (r.outcome !== "ok") throw new Error(`take ${i}: ${r.outcome}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const f = (ms: number | undefined) => (ms ?? 0).toFixed(2);
  console.log(
    `acks=${replicaAcks} concurrency=${concurrency}: p50 ${f(percentile(times, 0.5))} ms, p99 ${f(percentile(times, 0.99))} ms, ${Math.round(TAKES / seconds)} takes/s`,
  );
}

try {
  await run(0, 1); // warm the connections and the scripts
  for (const concurrency of [1, 32]) for (const acks of [0, 1]) await run(acks, concurrency);
} finally {
  client.disconnect();
  await cluster.stop();
}
