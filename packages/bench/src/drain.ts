// `pnpm --filter @hotseat/bench drain [--aws-limits] [--orders N]`: how long the writer takes to
// drain a sale's backlog into DynamoDB. The orders are taken with no writer running (they wait in
// the pump, as behind a writer that fell behind), then the writer starts in its own process and the
// clock runs until the space has nothing pending. With --aws-limits, the SIMULATED AWS limits
// (aws-limits.ts) stand between the stack and its emulators.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startStack } from "@hotseat/local/stack";
import { startWriterProcess } from "@hotseat/local/writer-process";
import { type LimitedAws, limitAws } from "./children/aws-limits.ts";

const argv = process.argv.slice(2);
const limits = argv.includes("--aws-limits");
const orders = Number(argv[argv.indexOf("--orders") + 1] || 50_000);
const shards = 4;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-bench-drain-"));
let limited: LimitedAws | null = null;
const stack = await startStack({
  dataDir,
  poll: false,
  streamShards: shards,
  purchaseRateLimit: { points: 0, windowSeconds: 1 },
  awsEndpoints: limits
    ? async (e) => {
        limited = await limitAws(e, shards);
        return limited;
      }
    : undefined,
});
try {
  const admin = { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" };
  const created = await stack.app.request("/admin/shows", {
    method: "POST",
    headers: admin,
    body: JSON.stringify({
      name: "Drain",
      venue: "Hall",
      startsAt: "2030-01-01T20:00:00Z",
      capacity: orders,
      priceCents: 0,
    }),
  });
  const showId = ((await created.json()) as { show: { id: string } }).show.id;
  await stack.app.request(`/admin/shows/${showId}/preload`, { method: "POST", headers: admin });
  let next = 0;
  const takeStarted = Date.now();
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      for (let i = next++; i < orders; i = next++)
        await stack.runtime.sales.purchase({
          showId,
          customerId: `c${i}`,
          idempotencyKey: `drain-key-${i}`,
          body: { quantity: 1 },
        });
    }),
  );
  await stack.runtime.publisher.drain();
  console.log(`${orders} orders taken in ${Date.now() - takeStarted} ms, waiting in the pump`);
  const started = Date.now();
  const writer = await startWriterProcess({ config: stack.config, dataDir });
  let pending = orders;
  while (pending > 0 && Date.now() - started < 900_000) {
    await new Promise((r) => setTimeout(r, 250));
    pending = (await stack.runtime.sales.stats(showId)).pendingOrders;
  }
  console.log(
    `drain${limits ? " under the SIMULATED AWS limits" : ""}: ${orders - pending} of ${orders} orders persisted in ${Date.now() - started} ms`,
  );
  if (limited) console.log(`  limits: ${JSON.stringify((limited as LimitedAws).counts())}`);
  await writer.stop();
} finally {
  await stack.stop();
  await (limited as LimitedAws | null)?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
