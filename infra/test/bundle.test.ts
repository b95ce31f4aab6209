import fs from "node:fs";
import { isBuiltin } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCS_ASSETS } from "../../packages/functions/src/api/docs-assets.ts";
import { type LocalRedisCluster, startRedisCluster } from "../../packages/local/src/redis-cluster.ts";
import { type Stack, startStack } from "../../packages/local/src/stack.ts";
import {
  type Bundles,
  bundleFunctions,
  type HttpResult,
  httpApiEvent,
  kinesisEvent,
  type LambdaInstance,
  type PumpRecord,
  readPump,
  startLambda,
} from "./bundles";
import { functionFor, type InfraRun, preparePlatform, runInfra } from "./harness";

const HANDLERS = {
  api: "packages/functions/src/api/lambda.handler",
  writer: "packages/functions/src/writer.handler",
  sweeper: "packages/functions/src/sweeper.handler",
} as const;
type FunctionName = keyof typeof HANDLERS;

let work: string;
let bundles: Bundles;
let stack: Stack;
/** The space as on AWS: a Redis Cluster with TLS and a password (ElastiCache in cluster mode). */
let cluster: LocalRedisCluster;
let infra: InfraRun;
/** Configured the local way: HOTSEAT_* variables. */
let local: Record<FunctionName, LambdaInstance>;
/** Configured the AWS way: SST's links, exactly the ones infra/ gives each function, pointed at the local stack. */
let linked: Record<FunctionName, LambdaInstance>;

/** What `SST_RESOURCE_*` would hold for each link on AWS, with the local stack's values. */
function linkedEnvironment(links: string[]): Record<string, string> {
  const [host, port] = (cluster.nodes[0] as string).split(":");
  const values: Record<string, unknown> = {
    // What infra/space.ts links on AWS: one node (ElastiCache's configuration endpoint), TLS, cluster mode, AUTH.
    Space: { host, port: Number(port), username: "default", password: cluster.password, tls: true, cluster: true },
    Pump: { name: stack.config.pump.streamName },
    Table: { name: stack.config.table.name },
    AdminToken: { value: stack.adminToken },
    BuyerTokenKey: { value: stack.config.buyers.tokenKey },
    Mail: { sender: "tickets@hotseat.example" },
    Payments: { provider: "test", currency: "usd" },
    // Only named: no show is lost in these runs, so nothing invokes the rebuild worker.
    Rebuilder: { name: "hotseat-test-Rebuilder" },
  };
  const env: Record<string, string> = {
    SST_RESOURCE_App: JSON.stringify({ name: "hotseat", stage: "test" }),
    // The SDK's own endpoint override, so the AWS-configured clients reach the emulators.
    AWS_ENDPOINT_URL_KINESIS: stack.emulators.kinesisEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stack.emulators.dynamoEndpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    // The local cluster's certificates come from the test's own CA; ElastiCache's chain to a public root.
    NODE_EXTRA_CA_CERTS: cluster.caFile,
  };
  for (const link of links) {
    if (!(link in values)) throw new Error(`no local value for link ${link}`);
    env[`SST_RESOURCE_${link}`] = JSON.stringify(values[link]);
  }
  return env;
}

const startAll = (env: (name: FunctionName) => Record<string, string>) =>
  Object.fromEntries(
    (Object.keys(HANDLERS) as FunctionName[]).map((name) => [name, startLambda(bundles[name].file, env(name))]),
  ) as Record<FunctionName, LambdaInstance>;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-bundle-"));
  [bundles, stack, infra] = await Promise.all([
    bundleFunctions(path.join(work, "functions")),
    startRedisCluster(path.join(work, "cluster")).then((started) => {
      cluster = started;
      // No poller: the bundled writer, not the local stack's in-process one, consumes the pump here.
      return startStack({
        dataDir: path.join(work, "data"),
        poll: false,
        sweepIntervalMs: 0,
        redisConnection: cluster.connection,
      });
    }),
    preparePlatform().then(() => runInfra({ stage: "test" })),
  ]);
  local = startAll(() => stack.env);
  linked = startAll((name) => linkedEnvironment(Object.keys(functionFor(infra, HANDLERS[name]).links)));
}, 300_000);

afterAll(async () => {
  for (const instance of [...Object.values(local ?? {}), ...Object.values(linked ?? {})]) instance.stop();
  await stack?.stop();
  await cluster?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const admin = { authorization: "Bearer local-admin-token" };
/** A buyer signed in with the stack's key, as the bundled API verifies it. */
const buyer = async (customerId: string) => ({
  authorization: `Bearer ${(await stack.runtime.buyerTokens.issue(customerId)).token}`,
});

async function callWith(
  api: LambdaInstance,
  method: string,
  rawPath: string,
  options: Parameters<typeof httpApiEvent>[2] = {},
) {
  const result = await api.invoke<HttpResult>(httpApiEvent(method, rawPath, options));
  const text = result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
  return { status: result.statusCode, headers: result.headers, body: text ? JSON.parse(text) : null };
}
const call = (...args: [string, string, Parameters<typeof httpApiEvent>[2]?]) => callWith(local.api, ...args);

describe("bundles", () => {
  it.each(["api", "writer", "sweeper"] as const)(
    "%s is one ESM file that imports nothing but Node's built-ins",
    (name) => {
      const code = fs.readFileSync(bundles[name].file, "utf8");
      const imports = [...code.matchAll(/^\s*import\s[^"']*["']([^"']+)["']/gm)].map((m) => m[1] as string);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
      expect(code).toMatch(/export\s*{[^}]*\bhandler\b/);
    },
  );
});

describe("API bundle behind an HTTP API event", () => {
  it("answers GET /health", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok" });
  });

  it("refuses admin routes without the bearer token", async () => {
    const res = await call("POST", "/admin/shows", { body: { name: "x" } });
    expect(res.status).toBe(401);
  });

  it("serves the OpenAPI document, and the reference page with every file it loads, from the bundle alone", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({
      openapi: "3.1.0",
      paths: { "/shows/{showId}/orders": { post: expect.any(Object) } },
    });
    const raw = async (rawPath: string) => {
      const result = await local.api.invoke<HttpResult>(httpApiEvent("GET", rawPath));
      const text = result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
      return { status: result.statusCode, type: result.headers["content-type"], text };
    };
    const page = await raw("/docs");
    expect(page).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/html/) });
    // The files the page names are the ones infra/api.ts copies beside the bundle, and the bundle test's copy has them.
    const files = [...page.text.matchAll(/(?:src|href)="docs\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(files.filter((f) => f !== "reference.js").sort()).toEqual(Object.keys(DOCS_ASSETS).sort());
    for (const file of files) {
      const asset = await raw(`/docs/${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.text.length, file).toBeGreaterThan(file === "reference.js" ? 50 : 100_000);
    }
    // The bundle itself does not carry the page's script: cold starts never parse it.
    expect(fs.readFileSync(bundles.api.file, "utf8")).not.toContain("webpackUniversalModuleDefinition");
  });
});

describe("a sale through the bundled API and the bundled writer", () => {
  let showId: string;
  let orderId: string;
  let records: PumpRecord[];

  it("creates and preloads a show, then sells a ticket once per idempotency key", async () => {
    const created = await call("POST", "/admin/shows", {
      headers: admin,
      body: {
        name: "Bundle Night",
        venue: "Lambda Hall",
        startsAt: "2027-03-01T20:00:00Z",
        capacity: 10,
        priceCents: 2500,
        // Shards in different slots, so on different nodes of the cluster: the stats below read across them.
        shards: 3,
      },
    });
    expect(created.status).toBe(201);
    showId = created.body.show.id;
    expect((await call("POST", `/admin/shows/${showId}/preload`, { headers: admin })).body).toMatchObject({
      showId,
      remaining: 10,
    });

    const purchase = {
      headers: { "idempotency-key": "bundle-key-1", ...(await buyer("cus_bundle")) },
      body: { quantity: 2 },
    };
    const bought = await call("POST", `/shows/${showId}/orders`, purchase);
    expect(bought.status).toBe(201);
    orderId = bought.body.order.id;
    const replay = await call("POST", `/shows/${showId}/orders`, purchase);
    expect([200, 201]).toContain(replay.status);
    expect(replay.body.order.id).toBe(orderId);
    expect((await call("GET", `/shows/${showId}/availability`)).body).toMatchObject({ remaining: 8 });
  });

  it("put the order on the pump before answering", async () => {
    records = await readPump(stack.emulators.kinesisEndpoint, stack.config.pump.streamName);
    const accepted = records
      .map((r) => JSON.parse(Buffer.from(r.Data, "base64").toString("utf8")))
      .flatMap((e) => (e.type === "orders.accepted" ? e.orders : []))
      .filter((o: { id: string }) => o.id === orderId);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
  });

  it("the writer persists the pump's records and names only the poison one as a batch item failure", async () => {
    const poison: PumpRecord = {
      shardId: "shardId-000000000000",
      SequenceNumber: "49999999999999999999999999999999999999999999999999999999",
      PartitionKey: "poison",
      Data: Buffer.from("{ not json").toString("base64"),
      ApproximateArrivalTimestamp: Date.now() / 1000,
    };
    const result = await local.writer.invoke(kinesisEvent(stack.config.pump.streamName, [...records, poison]));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: poison.SequenceNumber }] });

    const order = await call("GET", `/orders/${orderId}`, { headers: await buyer("cus_bundle") });
    expect(order.body.order).toMatchObject({ id: orderId, showId, quantity: 2, persisted: true });
  });

  it("a redelivered batch changes nothing", async () => {
    const stats = async () => {
      // The read time and the space's memory move between two reads; the counts must not.
      const {
        at: _readAt,
        space: _memory,
        ...counts
      } = (await call("GET", `/admin/shows/${showId}/stats`, { headers: admin })).body;
      return counts;
    };
    const before = await stats();
    expect(await local.writer.invoke(kinesisEvent(stack.config.pump.streamName, records))).toEqual({
      batchItemFailures: [],
    });
    expect(await stats()).toEqual(before);
    expect(before).toMatchObject({ capacity: 10, sold: 2, persisted: 2 });
  });

  it("the sweeper bundle runs on the scheduler's event", async () => {
    const result = await local.sweeper.invoke<Record<string, number>>({});
    expect(result).toMatchObject({ failed: 0 });
    expect(typeof result.republished).toBe("number");
  });
});

describe("bundles configured by SST's links, as on AWS", () => {
  it("serve, sell, persist and sweep with exactly the links infra/ gives each function", async () => {
    const linkedCall = (...args: [string, string, Parameters<typeof httpApiEvent>[2]?]) =>
      callWith(linked.api, ...args);
    expect((await linkedCall("GET", "/health")).status).toBe(200);

    const created = await linkedCall("POST", "/admin/shows", {
      headers: admin,
      body: {
        name: "Linked Night",
        venue: "Cloud Hall",
        startsAt: "2027-04-01T20:00:00Z",
        capacity: 5,
        priceCents: 900,
      },
    });
    expect(created.status).toBe(201);
    const showId = created.body.show.id;
    expect((await linkedCall("POST", `/admin/shows/${showId}/preload`, { headers: admin })).status).toBe(200);
    const bought = await linkedCall("POST", `/shows/${showId}/orders`, {
      headers: { "idempotency-key": "linked-key-1", ...(await buyer("cus_linked")) },
      body: { quantity: 1 },
    });
    expect(bought.status).toBe(201);

    const records = await readPump(stack.emulators.kinesisEndpoint, stack.config.pump.streamName);
    expect(await linked.writer.invoke(kinesisEvent(stack.config.pump.streamName, records))).toEqual({
      batchItemFailures: [],
    });
    const order = await linkedCall("GET", `/orders/${bought.body.order.id}`, { headers: await buyer("cus_linked") });
    expect(order.body.order.persisted).toBe(true);
    expect(await linked.sweeper.invoke({})).toMatchObject({ failed: 0 });
  });

  it("the API, the writer and the sweeper print their metrics as CloudWatch embedded metric format, for the stage", () => {
    const emf = (instance: LambdaInstance) =>
      instance
        .stdout()
        .filter((line) => line.startsWith("{") && line.includes('"_aws"'))
        .map((line) => JSON.parse(line));
    const writerMetrics = emf(linked.writer);
    expect(writerMetrics.length).toBeGreaterThan(0);
    expect(writerMetrics.at(-1)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: "HotSeat" }] },
      Stage: "test",
      service: "writer",
      OrdersPersisted: expect.any(Number),
      PumpLagMs: expect.any(Number),
    });
    // The API writes a line for what counts (the purchase above), none for its health checks and polls.
    const apiMetrics = emf(linked.api);
    expect(apiMetrics).toHaveLength(1);
    expect(apiMetrics[0]).toMatchObject({ Stage: "test", service: "api", OrdersAccepted: 1 });
    expect(emf(linked.sweeper).at(-1)).toMatchObject({
      Stage: "test",
      service: "sweeper",
      PendingOrders: 0,
      SpaceRebuilds: 0,
    });
  });
});
