import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import type { BuyerAuthOptions } from "@hotseat/core/buyer";
import type { PublisherOptions } from "@hotseat/core/pump";
import type { SaleOptions } from "@hotseat/core/sale";
import { sleep } from "@hotseat/core/util";
import { type App, appFor } from "@hotseat/functions/api/app";
import type { SignInLimits } from "@hotseat/functions/api/auth";
import type { RateLimit } from "@hotseat/functions/api/rate-limit";
import type { PaymentsConfig, RuntimeConfig } from "@hotseat/functions/config";
import { metricNames, ProcessMetrics, pendingInSpace } from "@hotseat/functions/metrics";
import { createRuntime, type Runtime } from "@hotseat/functions/runtime";
import { retryRefunds } from "@hotseat/functions/sweeper";
import { type Emulators, startEmulators } from "./emulators.ts";
import { startLocalWriter, type WriterStats } from "./local-writer.ts";
import type { KinesisPoller, PollerOptions } from "./poller.ts";
import { type LocalRedis, startRedis } from "./redis.ts";
import { ensureStream, ensureTable } from "./resources.ts";
import { configEnv, localTokenKey } from "./stack-config.ts";
import { serveWeb } from "./web-server.ts";
import { startWriterProcess, type WriterProcess } from "./writer-process.ts";

// The local stack runs on Node 20; Lambda runs nodejs22.x. The SDK's notice about that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const repoRoot = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const defaultWebDist = path.join(repoRoot, "packages/web/dist");

export interface StackOptions {
  /** Where Redis, kinesalite, dynalite and the poller keep their data (default `.data` at the repo root). */
  dataDir?: string;
  /** Use this Redis instead of spawning one. */
  redisUrl?: string;
  /** Use this space (a Redis Cluster, TLS, AUTH: see `spaceConnectionFromEnv`) instead of spawning one. */
  redisConnection?: RuntimeConfig["redis"];
  /** API port; 0 picks a free one. Omit `listen` to skip the HTTP server (tests use `app.request`). */
  port?: number;
  listen?: boolean;
  /** Storefront port; served only when the built storefront exists at `webDist`. */
  webPort?: number;
  webDist?: string;
  adminToken?: string;
  streamName?: string;
  tableName?: string;
  streamShards?: number;
  poller?: Partial<PollerOptions>;
  /** Start the writer's poller (default true). */
  poll?: boolean;
  /**
   * Where the writer runs: in this process (default; tests reach its poller) or in a child
   * process, as on AWS and as `pnpm start` runs it, so a backlog never holds the API's event loop.
   */
  writer?: "in-process" | "process";
  /** Sweeper period; 0 disables the timer (tests call `sweep()`). */
  sweepIntervalMs?: number;
  sale?: SaleOptions;
  /** Sign-in codes' lifetime and tries. */
  signIn?: BuyerAuthOptions;
  /** The key that signs buyer tokens; else one made on first start and kept in `dataDir`. */
  buyerTokenKey?: string;
  /** The payment provider (the test provider when omitted). */
  payments?: PaymentsConfig;
  /** Stripe's publishable key, handed to the storefront for Stripe Elements (with `payments` on Stripe). */
  stripePublishableKey?: string;
  /** The pump publisher's settings (its defaults when omitted). */
  publisher?: PublisherOptions;
  /** Purchase attempts per customer (the API's default when omitted); points 0 turns it off. */
  purchaseRateLimit?: RateLimit;
  /** Purchase attempts per client address (the API's default, 20 times the above, when omitted). */
  addressRateLimit?: RateLimit;
  /** Sign-in codes per address and per client (the API's defaults when omitted). */
  signInLimits?: SignInLimits;
  /** Proxies of ours in front that append the caller to X-Forwarded-For (0: trust none). */
  trustedProxyHops?: number;
  log?: (line: string) => void;
  /** Puts something between the stack and its emulators (the bench's simulated AWS limits). */
  awsEndpoints?: (e: { kinesis: string; dynamo: string }) => Promise<{ kinesis: string; dynamo: string }>;
}

type SweepResult = Awaited<ReturnType<Runtime["sales"]["sweep"]>> & Awaited<ReturnType<typeof retryRefunds>>;

export interface Stack {
  apiUrl: string | null;
  webUrl: string | null;
  adminToken: string;
  dataDir: string;
  /** Where sign-in codes are written instead of mailed (one JSON file a message). */
  outboxDir: string;
  config: RuntimeConfig;
  /** The HOTSEAT_* variables that `readConfig()` turns into this stack's configuration. */
  env: Record<string, string>;
  runtime: Runtime;
  app: App;
  /** The writer's poller, when the writer runs in this process. */
  poller: KinesisPoller | null;
  /** The writer's process, with `writer: "process"`. */
  writer: WriterProcess | null;
  /** What the writer has done so far, wherever it runs; null when it does not run. */
  writerStats(): Promise<WriterStats | null>;
  redis: LocalRedis;
  emulators: Emulators;
  /** Runs the reconciler once (the sweeper Lambda's work: the sale's sweep and owed refunds). */
  sweep(): Promise<SweepResult>;
  /** Waits until every order taken so far is persisted (nothing pending in the space). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const redactPassword = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString().replace(/\/$/, "");
};

async function waitForSpace(space: Runtime["space"], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = await space.ping().then(
      (up) => (up ? null : new Error("no PONG")),
      (e: Error) => e,
    );
    if (!error) return;
    if (Date.now() > deadline) throw new Error(`the space did not answer within ${timeoutMs} ms: ${error.message}`);
    await sleep(100);
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(repoRoot, options.dataDir ?? ".data");
  fs.mkdirSync(dataDir, { recursive: true });
  const adminToken = options.adminToken ?? "local-admin-token";
  const streamName = options.streamName ?? "hotseat-pump";
  const tableName = options.tableName ?? "hotseat";

  const given = options.redisConnection;
  const [redis, emulators] = await Promise.all([
    given ? { url: given.url, process: null, stop: async () => {} } : startRedis(dataDir, { url: options.redisUrl }),
    startEmulators(dataDir),
  ]);
  const space = given ?? { url: redis.url, cluster: false, tls: false };
  const shownSpace = `${space.cluster ? "cluster " : ""}${redactPassword(space.url)}${space.cluster ? ` (+${(space.nodes?.length ?? 1) - 1} nodes)` : ""}`;
  log(`space: ${shownSpace}; kinesis: ${emulators.kinesisEndpoint}; dynamodb: ${emulators.dynamoEndpoint}`);
  const direct = { kinesis: emulators.kinesisEndpoint, dynamo: emulators.dynamoEndpoint };
  const aws = options.awsEndpoints ? await options.awsEndpoints(direct) : direct;
  const tokenKey = options.buyerTokenKey ?? (await localTokenKey(dataDir));
  const outboxDir = path.join(dataDir, "outbox");
  const config: RuntimeConfig = {
    redis: space,
    pump: { streamName, endpoint: aws.kinesis },
    table: { name: tableName, endpoint: aws.dynamo },
    region: "us-east-1",
    adminToken,
    buyers: { tokenKey },
    mail: { outboxDir },
    payments: options.payments ?? { provider: "test", currency: "usd" },
  };
  const env = configEnv(config);
  const runtime = createRuntime(config, {
    publisher: options.publisher,
    sale: options.sale,
    signIn: options.signIn,
  });
  if (given) await waitForSpace(runtime.space, 10_000);
  await Promise.all([
    // A Kinesis shard takes 1,000 records/s, fewer than a hot sale's orders (docs/bench.md).
    ensureStream(runtime.kinesis, streamName, options.streamShards ?? 4),
    ensureTable(runtime.dynamo, tableName),
  ]);

  const processMetrics = new ProcessMetrics(async () => {
    const pending = await pendingInSpace(runtime);
    return {
      [metricNames.pendingOrders]: pending.orders,
      [metricNames.oldestPendingAge]: pending.oldestAgeMs,
      [metricNames.rebuilds]: runtime.sales.rehydrations,
    };
  });
  let ready = false;
  const app = appFor(runtime, {
    purchaseRateLimit: options.purchaseRateLimit,
    addressRateLimit: options.addressRateLimit,
    signInLimits: options.signInLimits,
    address: { trustedProxyHops: options.trustedProxyHops ?? 0 },
    metrics: processMetrics,
    health: async () => {
      const space = await runtime.space.ping();
      return { ok: space && ready, parts: { space: space ? "up" : "down", pump: "up", table: "up" } };
    },
  });

  const writerAway = options.poll !== false && options.writer === "process";
  const writer = writerAway ? await startWriterProcess({ config, dataDir, poller: options.poller }) : null;
  const localWriter =
    options.poll === false || writerAway ? null : await startLocalWriter(runtime, dataDir, options.poller);

  let api: ReturnType<typeof serve> | null = null;
  let apiUrl: string | null = null;
  if (options.listen !== false && options.port !== undefined) {
    apiUrl = await new Promise<string>((resolve) => {
      api = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
  }

  let web: Awaited<ReturnType<typeof serveWeb>> | null = null;
  const webDist = options.webDist ?? defaultWebDist;
  if (options.webPort !== undefined && apiUrl && fs.existsSync(path.join(webDist, "index.html"))) {
    web = await serveWeb(webDist, apiUrl, options.webPort, outboxDir, {
      stripePublishableKey: options.stripePublishableKey,
    });
  }

  const sweepEvery = options.sweepIntervalMs ?? 0;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    const run = sweeping.then(async () => ({ ...(await runtime.sales.sweep()), ...(await retryRefunds(runtime)) }));
    sweeping = run.catch(() => {});
    return run;
  };
  const timer =
    sweepEvery > 0
      ? setInterval(() => {
          sweep()
            .then((r) => {
              if (
                r.republished +
                  r.settled +
                  r.rehydrated +
                  r.failed +
                  r.expired +
                  r.left +
                  r.refundsRetried +
                  r.refundsOwed >
                0
              )
                log(JSON.stringify({ level: "info", event: "sweeper.run", ...r }));
            })
            .catch((e) => log(JSON.stringify({ level: "warn", event: "sweeper.failed", error: String(e) })));
        }, sweepEvery)
      : null;
  ready = true;

  return {
    apiUrl,
    webUrl: web?.url ?? null,
    adminToken,
    dataDir,
    outboxDir,
    config,
    env,
    runtime,
    app,
    poller: localWriter?.poller ?? null,
    writer,
    writerStats: async () => (writer ? writer.stats() : (localWriter?.stats() ?? null)),
    redis,
    emulators,
    sweep,
    async drain(timeoutMs = 30_000) {
      await runtime.publisher.drain();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pending = (await pendingInSpace(runtime)).orders;
        if (pending === 0) return;
        if (Date.now() > deadline) throw new Error(`pump did not drain: ${pending} orders still pending`);
        await sleep(50);
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      await sweeping;
      await web?.close();
      const server = api as ReturnType<typeof serve> | null;
      if (server) await new Promise<void>((done) => server.close(() => done()));
      await localWriter?.stop();
      await writer?.stop();
      await runtime.stop();
      await Promise.all([emulators.stop(), redis.stop()]);
    },
  };
}
