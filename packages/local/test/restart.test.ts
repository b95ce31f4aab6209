import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BuyerTokens } from "@hotseat/core/buyer";
import { sleep } from "@hotseat/core/util";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../src/redis.ts";

const localDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-restart-"));
const token = "restart-admin-token";
let child: ChildProcess | null = null;

/** `pnpm start`'s own entry point, as a separate process with its data in `dataDir`. */
async function startProcess(port: number) {
  child = spawn(process.execPath, ["--import", "tsx", "src/start.ts"], {
    cwd: localDir,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      WEB_PORT: String(await freePort()),
      ADMIN_TOKEN: token,
      SWEEP_INTERVAL_MS: "300",
      STALE_AFTER_MS: "500",
      RATE_LIMIT_PER_MINUTE: "0",
      HOTSEAT_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${url}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return url;
    await sleep(100);
  }
  throw new Error("the stack did not become healthy");
}

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("loses nothing acknowledged when the whole stack is killed with SIGKILL mid-burst and started again", async () => {
  const port = await freePort();
  let url = await startProcess(port);
  const admin = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const created = await fetch(`${url}/admin/shows`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({
      name: "Restart",
      venue: "Hall",
      startsAt: "2027-03-01T19:00:00Z",
      capacity: 5000,
      priceCents: 100,
    }),
  }).then((r) => r.json() as Promise<{ show: { id: string } }>);
  const showId = created.show.id;
  // Buyers signed in before the sale; their tokens must still be good after the restart.
  const tokens = new BuyerTokens(fs.readFileSync(path.join(dataDir, "buyer-token-key.json"), "utf8"));
  const tokenOf = new Map<string, string>();
  const tokenFor = async (customerId: string) => {
    let token = tokenOf.get(customerId);
    if (!token) {
      token = (await tokens.issue(customerId)).token;
      tokenOf.set(customerId, token);
    }
    return token;
  };
  expect((await fetch(`${url}/admin/shows/${showId}/preload`, { method: "POST", headers: admin })).status).toBe(200);

  const acknowledged = new Map<string, { id: string; quantity: number; customerId: string }>();
  let killed = false;
  const buyer = async (worker: number) => {
    for (let i = 0; !killed && i < 400; i++) {
      const key = `restart-${worker}-${i}`;
      const customerId = `rs${worker}-${i}`;
      const authorization = `Bearer ${await tokenFor(customerId)}`;
      try {
        const res = await fetch(`${url}/shows/${showId}/orders`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key, authorization },
          body: JSON.stringify({ quantity: 1 + (i % 2) }),
        });
        if (res.status === 201) {
          const { order } = (await res.json()) as { order: { id: string; quantity: number } };
          acknowledged.set(key, { id: order.id, quantity: order.quantity, customerId });
        }
      } catch {
        // the connection died with the process: not acknowledged
      }
    }
  };
  const burst = Promise.all(Array.from({ length: 20 }, (_, w) => buyer(w)));
  await sleep(1500);
  child?.kill("SIGKILL");
  killed = true;
  await burst;
  expect(acknowledged.size).toBeGreaterThan(20);

  url = await startProcess(port);
  // The sweeper and the pump catch up: nothing pending, and the table agrees with the space.
  type Stats = { pending: number; projectedSold: number; sold: number; persisted: number; remaining: number };
  let stats = {} as Stats;
  for (let i = 0; i < 300; i++) {
    stats = await fetch(`${url}/admin/shows/${showId}/stats`, { headers: admin }).then(
      (r) => r.json() as Promise<Stats>,
    );
    if (stats.pending === 0 && stats.projectedSold === stats.sold) break;
    await sleep(100);
  }
  const ackTickets = [...acknowledged.values()].reduce((n, o) => n + o.quantity, 0);
  expect(stats.pending).toBe(0);
  expect(stats.persisted).toBe(stats.sold);
  expect(stats.projectedSold).toBe(stats.sold);
  expect(stats.sold).toBeGreaterThanOrEqual(ackTickets);
  expect(stats.remaining + stats.sold).toBe(5000);
  for (const { id, customerId } of acknowledged.values()) {
    const headers = { authorization: `Bearer ${await tokenFor(customerId)}` };
    const { order } = await fetch(`${url}/orders/${id}`, { headers }).then(
      (r) => r.json() as Promise<{ order: { persisted: boolean } }>,
    );
    expect(order.persisted, id).toBe(true);
  }
});
