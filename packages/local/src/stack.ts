import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type BuyerAuthOptions, newBuyerTokenKey } from "@hotseat/core/buyer";
import type { PublisherOptions } from "@hotseat/core/pump";
import type { SaleOptions } from "@hotseat/core/sale";
import { sleep } from "@hotseat/core/util";
import { createApp } from "@hotseat/functions/api/app";
import type { SignInLimits } from "@hotseat/functions/api/auth";
import type { RateLimit } from "@hotseat/functions/api/rate-limit";
import type { PaymentsConfig, RuntimeConfig } from "@hotseat/functions/config";
import { metricNames, ProcessMetrics, pendingInSpace } from "@hotseat/functions/metrics";
import { createRuntime, type Runtime } from "@hotseat/functions/runtime";
import { retryRefunds } from "@hotseat/functions/sweeper";
import { writeBatch } from "@hotseat/functions/writer";
import { type Emulators, startEmulators } from "./emulators.ts";
import { KinesisPoller, type PollerOptions } from "./poller.ts";
import { type LocalRedis, startRedis } from "./redis.ts";
import { ensureStream, ensureTable } from "./resources.ts";
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
  app: ReturnType<typeof createApp>;
  poller: KinesisPoller | null;
  /** The writer's process, with `writer: "process"`. */
  writer: WriterProcess | null;
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

/**
 * The local stage's signing key, made on first start and kept with the data, so tokens survive a
 * restart as shows and orders do. Only the local stack does this; on AWS it is the `BuyerTokenKey` secret.
 */
async function localTokenKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, "buyer-token-key.json");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  const key = await newBuyerTokenKey();
  fs.writeFileSync(file, key, { mode: 0o600 });
  return key;
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
  const env = {
    HOTSEAT_REDIS_URL: space.url,
    ...(space.cluster ? { HOTSEAT_REDIS_CLUSTER: "true" } : {}),
    ...(space.tls ? { HOTSEAT_REDIS_TLS: "true" } : {}),
    ...(space.nodes ? { HOTSEAT_REDIS_NODES: space.nodes.join(",") } : {}),
    ...(space.caFile ? { HOTSEAT_REDIS_CA_FILE: space.caFile } : {}),
    ...(space.replicaAcks ? { HOTSEAT_SPACE_REPLICA_ACKS: String(space.replicaAcks) } : {}),
    HOTSEAT_STREAM: streamName,
    HOTSEAT_KINESIS_ENDPOINT: aws.kinesis,
    HOTSEAT_TABLE: tableName,
    HOTSEAT_DYNAMODB_ENDPOINT: aws.dynamo,
    HOTSEAT_ADMIN_TOKEN: adminToken,
    HOTSEAT_BUYER_TOKEN_KEY: tokenKey,
    HOTSEAT_OUTBOX_DIR: outboxDir,
    HOTSEAT_PAYMENTS: config.payments.provider,
    HOTSEAT_CURRENCY: config.payments.currency,
    ...(config.payments.stripe
      ? {
          HOTSEAT_STRIPE_SECRET_KEY: config.payments.stripe.secretKey,
          HOTSEAT_STRIPE_WEBHOOK_SECRET: config.payments.stripe.webhookSecret,
          ...(config.payments.stripe.apiUrl ? { HOTSEAT_STRIPE_API_URL: config.payments.stripe.apiUrl } : {}),
        }
      : {}),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
  const runtime = createRuntime(config, {
    publisher: options.publisher,
    sale: options.sale,
    signIn: options.signIn,
  });
  if (given) await waitForSpace(runtime.space, 10_000);
  await Promise.all([
    // A Kinesis shard takes 1,000 records/s; a hot sale here runs past 2,000 orders/s.
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
  const app = createApp({
    sales: runtime.sales,
    buyers: runtime.buyers,
    checkout: runtime.checkout,
    rateLimitStore: runtime.redis,
    adminToken,
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
  const poller =
    options.poll === false || writerAway
      ? null
      : new KinesisPoller(runtime.kinesis, streamName, (event) => writeBatch(runtime, event), dataDir, options.poller);
  await poller?.start();

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
    poller,
    writer,
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
      await poller?.stop();
      await writer?.stop();
      await runtime.stop();
      await Promise.all([emulators.stop(), redis.stop()]);
    },
  };
}
