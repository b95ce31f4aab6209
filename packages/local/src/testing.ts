import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { readOutbox } from "@hotseat/core/mail";
import { createKinesisClient } from "@hotseat/core/pump";
import { sleep } from "@hotseat/core/util";
import { startEmulators } from "./emulators.ts";
import { startFaultProxy } from "./fault-proxy.ts";
import { type StackOptions, startStack } from "./stack.ts";

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  admin?: boolean;
  /** Signed in as this customer id (a buyer token the stack's own key signed). */
  as?: string;
  /** The connection's peer address, as @hono/node-server reports it (none by default). */
  from?: string;
  idempotencyKey?: string;
}

/** Polls `check` every 50 ms until it holds, or throws after `timeoutMs` naming `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

/** A whole local stack in a fresh temporary data folder, for a test file. */
export async function startTestStack(options: StackOptions = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-test-"));
  const stack = await startStack({
    dataDir,
    sweepIntervalMs: 0,
    purchaseRateLimit: { points: 0, windowSeconds: 1 },
    ...options,
  });

  /**
   * A buyer token for `customerId`, as sign-in would issue it: the tests that are not about sign-in
   * buy as named customers without a round trip through the outbox for each.
   */
  const tokenFor = async (customerId: string) => (await stack.runtime.buyerTokens.issue(customerId)).token;

  const request = async (method: string, url: string, o: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined || o.rawBody !== undefined) headers["content-type"] ??= "application/json";
    if (o.admin) headers.authorization = `Bearer ${stack.adminToken}`;
    if (o.as !== undefined) headers.authorization = `Bearer ${await tokenFor(o.as)}`;
    if (o.idempotencyKey) headers["idempotency-key"] = o.idempotencyKey;
    const res = await stack.app.request(
      url,
      { method, headers, body: o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) },
      o.from === undefined ? undefined : { incoming: { socket: { remoteAddress: o.from } } },
    );
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text };
    }
    return { status: res.status, headers: res.headers, body: json };
  };

  const createShow = async (input: Record<string, unknown> = {}) => {
    const res = await request("POST", "/admin/shows", {
      admin: true,
      body: {
        name: "The Hot Show",
        venue: "Arena",
        startsAt: "2027-01-15T20:00:00Z",
        capacity: 100,
        priceCents: 0,
        ...input,
      },
    });
    if (res.status !== 201) throw new Error(`createShow: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.show as { id: string; capacity: number; shards: number; maxPerCustomer: number };
  };

  const preload = async (showId: string) => {
    const res = await request("POST", `/admin/shows/${showId}/preload`, { admin: true });
    if (res.status !== 200) throw new Error(`preload: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { showId: string; remaining: number };
  };

  const buy = (showId: string, customerId: string, quantity: number, key: string) =>
    request("POST", `/shows/${showId}/orders`, { body: { quantity }, idempotencyKey: key, as: customerId });

  /** The newest sign-in code the outbox holds for `email`. */
  const codeFor = async (email: string) => {
    const message = (await readOutbox(stack.outboxDir)).find((m) => m.to === email);
    const code = message?.text.match(/\b\d{6,8}\b/)?.[0];
    if (!code) throw new Error(`no sign-in code in the outbox for ${email}`);
    return code;
  };

  /** Signs in through the API as a buyer would: ask for a code, read it from the outbox, verify it. */
  const signIn = async (email: string) => {
    const sent = await request("POST", "/auth/email", { body: { email } });
    if (sent.status !== 202) throw new Error(`sign-in: ${sent.status} ${JSON.stringify(sent.body)}`);
    const res = await request("POST", "/auth/email/verify", { body: { email, code: await codeFor(email) } });
    if (res.status !== 200) throw new Error(`verify: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { token: string; expiresAt: string; customer: { id: string } };
  };

  /** Every item in the table, sorted: a fingerprint of DynamoDB's state. */
  const tableItems = async () => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await stack.runtime.dynamo.send(
        new ScanCommand({ TableName: stack.config.table.name, ExclusiveStartKey: start }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  };

  /** Every key and value in the space: a fingerprint of Redis's state. */
  /**
   * Every key of the space and its value, but those that lapse on their own (a TTL: a rebuild's request mark, a lock,
   * an index entry): they are marks, not the sale's state, and one may lapse between two dumps.
   */
  const spaceDump = async () => {
    const redis = stack.runtime.redis as import("ioredis").Redis;
    const keys = (await redis.keys("*")).sort();
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      if ((await redis.pttl(k)) >= 0) continue;
      const type = await redis.type(k);
      out[k] =
        type === "hash"
          ? await redis.hgetall(k)
          : type === "zset"
            ? await redis.zrange(k, 0, -1)
            : type === "set"
              ? (await redis.smembers(k)).sort()
              : await redis.get(k);
    }
    return out;
  };

  return {
    stack,
    request,
    createShow,
    preload,
    buy,
    tokenFor,
    codeFor,
    signIn,
    tableItems,
    spaceDump,
    async stop() {
      await stack.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * kinesalite and dynalite alone (no stack) in a fresh temporary folder, a fault proxy in front of
 * each, and SDK clients to them: for the tests of the emulators' resources and of what sits between
 * the stack and its emulators. A client through a proxy makes one attempt, so what the proxy made
 * up reaches the test as the SDK reports it rather than being retried away.
 */
export async function startTestEmulators(name: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hotseat-${name}-`));
  const emulators = await startEmulators(dataDir);
  const dynamoProxy = await startFaultProxy({ target: emulators.dynamoEndpoint, service: "dynamodb" });
  const kinesisProxy = await startFaultProxy({ target: emulators.kinesisEndpoint, service: "kinesis" });
  const sdk = (proxied: boolean) => ({
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    ...(proxied ? { maxAttempts: 1 } : {}),
  });
  const clients: { destroy(): void }[] = [];
  /** DynamoDB straight to dynalite, or through its proxy. */
  const dynamo = (via: "direct" | "proxy" = "direct") => {
    const endpoint = via === "proxy" ? dynamoProxy.url : emulators.dynamoEndpoint;
    const client = new DynamoDBClient({ endpoint, ...sdk(via === "proxy") });
    clients.push(client);
    return client;
  };
  /** Kinesis straight to kinesalite, or through its proxy. */
  const kinesis = (via: "direct" | "proxy" = "direct") => {
    const endpoint = via === "proxy" ? kinesisProxy.url : emulators.kinesisEndpoint;
    const client = createKinesisClient({ endpoint, ...sdk(via === "proxy") });
    clients.push(client);
    return client;
  };
  /** A table keyed `pk`/`sk` with these global indexes (each its own hash and range key), made on dynalite directly. */
  const createTable = (name: string, indexes: { name: string; hash: string; range: string }[]) =>
    dynamo().send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: ["pk", "sk", ...indexes.flatMap((i) => [i.hash, i.range])].map((f) => ({
          AttributeName: f,
          AttributeType: "S",
        })),
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.hash, KeyType: "HASH" },
            { AttributeName: i.range, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
      }),
    );
  return {
    dataDir,
    emulators,
    dynamoProxy,
    kinesisProxy,
    dynamo,
    createTable,
    /** The document client (plain JavaScript values) over `dynamo(via)`. */
    documents: (via: "direct" | "proxy" = "direct") => DynamoDBDocumentClient.from(dynamo(via)),
    kinesis,
    async stop() {
      for (const client of clients) client.destroy();
      await dynamoProxy.stop();
      await kinesisProxy.stop();
      await emulators.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TestEmulators = Awaited<ReturnType<typeof startTestEmulators>>;
