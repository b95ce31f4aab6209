import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { spaceConnectionFromEnv } from "./redis.ts";
import { defaultWebDist, repoRoot, startStack } from "./stack.ts";

const env = process.env;
const port = Number(env.PORT ?? 3000);
const webPort = Number(env.WEB_PORT ?? 5173);

if (!fs.existsSync(path.join(defaultWebDist, "index.html"))) {
  console.log("building the storefront (first start)…");
  const build = spawnSync("pnpm", ["--filter", "@hotseat/web", "build"], { cwd: repoRoot, stdio: "inherit" });
  if (build.status !== 0) console.error("hotseat: the storefront did not build; the API runs without it");
}

if (env.PAYMENTS === "stripe" && (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET)) {
  console.error("hotseat: PAYMENTS=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (Stripe's test mode keys)");
  process.exit(1);
}
if (env.PAYMENTS && env.PAYMENTS !== "stripe" && env.PAYMENTS !== "test") {
  console.error(`hotseat: PAYMENTS must be test or stripe, got "${env.PAYMENTS}"`);
  process.exit(1);
}

let redisConnection: ReturnType<typeof spaceConnectionFromEnv>;
try {
  redisConnection = spaceConnectionFromEnv(env);
} catch (e) {
  console.error(`hotseat: ${(e as Error).message}`);
  process.exit(1);
}

const stack = await startStack({
  dataDir: env.DATA_DIR ?? ".data",
  redisConnection,
  port,
  webPort,
  adminToken: env.ADMIN_TOKEN ?? "local-admin-token",
  sweepIntervalMs: Number(env.SWEEP_INTERVAL_MS ?? 5000),
  // Its own process, as on AWS: draining a backlog in the API's process stalled the API (issue 15).
  writer: "process",
  sale: { staleAfterMs: Number(env.STALE_AFTER_MS ?? 10_000) },
  purchaseRateLimit: { points: Number(env.RATE_LIMIT_PER_MINUTE ?? 120), windowSeconds: 60 },
  trustedProxyHops: Number(env.TRUSTED_PROXY_HOPS ?? 0),
  stripePublishableKey: env.PAYMENTS === "stripe" ? env.STRIPE_PUBLISHABLE_KEY : undefined,
  payments:
    env.PAYMENTS === "stripe"
      ? {
          provider: "stripe",
          currency: env.CURRENCY || "usd",
          stripe: {
            secretKey: env.STRIPE_SECRET_KEY ?? "",
            webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? "",
          },
        }
      : { provider: "test", currency: env.CURRENCY || "usd" },
  log: (line) => console.log(line),
}).catch((e) => {
  console.error(`hotseat: could not start: ${(e as Error).message}`);
  process.exit(1);
});

console.log(`
HotSeat is running (data in ${stack.dataDir})
  API          ${stack.apiUrl}
  storefront   ${stack.webUrl ?? `not built: run \`pnpm --filter @hotseat/web build\` (expected ${defaultWebDist})`}
  admin token  ${stack.adminToken}
Ctrl-C stops everything; a restart keeps every show and order.
`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  const force = setTimeout(() => process.exit(1), 10_000);
  await stack.stop().catch((e) => console.error(e));
  clearTimeout(force);
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
