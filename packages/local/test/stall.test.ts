import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../src/redis.ts";
import { startStack } from "../src/stack.ts";

// Issue 15: after a burst, `pnpm start` answered nothing for seconds, not even `/health`, while
// its writer drained the backlog on the API's event loop. This builds such a backlog (orders in
// the pump, none yet written), starts `pnpm start`'s own entry point on it and polls `/health`
// on fresh connections until the backlog is in DynamoDB. It logs at `info` down a pipe, as on a
// terminal: the writer's batch lines (every correlation id of thousands of orders) were part of the
// stall. Figures before and after the fix: docs/bench.md.
const localDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-stall-"));
const token = "stall-admin-token";
const backlog = 15_000;
let child: ChildProcess | null = null;
let first: Awaited<ReturnType<typeof startStack>> | null = null;

afterAll(async () => {
  // A failure while the burst was taken leaves its stack (and its redis-server) running.
  await first?.stop();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** One GET on a connection of its own (as a new visitor opens one); its time, or Infinity if refused. */
const probe = (url: string) =>
  new Promise<number>((resolve) => {
    const started = performance.now();
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? performance.now() - started : Number.POSITIVE_INFINITY));
    });
    req.on("error", () => resolve(Number.POSITIVE_INFINITY));
    req.setTimeout(10_000, () => req.destroy());
  });

it("answers /health within a second while pnpm start's writer drains a burst's backlog", async () => {
  // The burst, taken with no writer running: the orders wait in the pump, as behind a busy writer.
  const burst = await startStack({
    dataDir,
    adminToken: token,
    poll: false,
    purchaseRateLimit: { points: 0, windowSeconds: 1 },
  });
  first = burst;
  const admin = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const created = await burst.app.request("/admin/shows", {
    method: "POST",
    headers: admin,
    body: JSON.stringify({
      name: "Stall",
      venue: "Hall",
      startsAt: "2027-03-01T19:00:00Z",
      capacity: backlog,
      priceCents: 0,
    }),
  });
  const showId = ((await created.json()) as { show: { id: string } }).show.id;
  await burst.app.request(`/admin/shows/${showId}/preload`, { method: "POST", headers: admin });
  let next = 0;
  const buyer = async () => {
    for (let i = next++; i < backlog; i = next++) {
      await burst.runtime.sales.purchase({
        showId,
        customerId: `c${i}`,
        idempotencyKey: `stall-key-${i}`,
        correlationId: crypto.randomUUID(),
        body: { quantity: 1 },
      });
    }
  };
  await Promise.all(Array.from({ length: 200 }, buyer));
  await burst.runtime.publisher.drain();
  first = null;
  await burst.stop();

  const port = await freePort();
  child = spawn(process.execPath, ["--import", "tsx", "src/start.ts"], {
    cwd: localDir,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      WEB_PORT: String(await freePort()),
      ADMIN_TOKEN: token,
      HOTSEAT_LOG_LEVEL: "info",
    },
    // As on a terminal: what the stack logs goes down a pipe someone reads.
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  const pending = async () => {
    const res = await fetch(`${url}/admin/shows/${showId}/stats`, { headers: admin }).catch(() => null);
    return res?.ok ? ((await res.json()) as { pendingOrders: number }).pendingOrders : Number.NaN;
  };
  let left = await pending();
  for (let i = 0; i < 600 && Number.isNaN(left); i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = await pending();
  }
  expect(left).toBeGreaterThan(backlog / 2);

  const slowest: number[] = [];
  const deadline = Date.now() + 90_000;
  while (left > 0 && Date.now() < deadline) {
    slowest.push(await probe(`${url}/health`));
    await new Promise((r) => setTimeout(r, 50));
    left = await pending();
  }
  expect(left).toBe(0);
  expect(slowest.length).toBeGreaterThan(5);
  expect(Math.max(...slowest)).toBeLessThan(1000);
});
