// The naive design the article warns about, in the same API shape: every purchase is a
// conditional UpdateItem on the show's one item in DynamoDB (the hot key) plus the order's
// PutItem. Same Hono, same middleware, same validation and error mapping as the real API;
// dynalite (in the same emulator process the stack uses) plays DynamoDB.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { serve } from "@hono/node-server";
import { BuyerTokens } from "@hotseat/core/buyer";
import { createDocumentClient } from "@hotseat/core/db";
import { HotSeatError } from "@hotseat/core/error";
import { IdempotencyKey, newOrderId, PurchaseBody } from "@hotseat/core/order";
import { newShowId, ShowId } from "@hotseat/core/show";
import { type BuyerEnv, requireBuyer } from "@hotseat/functions/api/auth";
import { limitBody } from "@hotseat/functions/api/body-limit";
import { errorResponse } from "@hotseat/functions/api/errors";
import { validate } from "@hotseat/functions/api/validate";
import { startEmulators } from "@hotseat/local/emulators";
import { ensureTable } from "@hotseat/local/resources";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { z } from "zod";
import { serveParent } from "../child.ts";
import type { EmulatorStats, NaiveCounters, NaiveInfo } from "../types.ts";
import { limitAws } from "./aws-limits.ts";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-naive-"));
const emulators = await startEmulators(dataDir);
// With --aws-limits, the simulated per-partition limits stand between the design and dynalite.
const limited = process.argv[3] === "aws-limits" ? await limitAws({ dynamo: emulators.dynamoEndpoint }, 1) : null;
const TableName = "hotseat-naive";
const doc = createDocumentClient({
  region: "us-east-1",
  endpoint: limited?.dynamo ?? emulators.dynamoEndpoint,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
await ensureTable(doc as never, TableName);

const showKey = (showId: string) => ({ pk: `$naive#show_${showId}`, sk: "show" });
let accepted = 0;
let lastAckAt = 0;

// Buyers are signed in as for the real API: the same token check, so only the inventory differs.
const tokens = new BuyerTokens(process.argv[2] ?? "");
const app = new Hono<BuyerEnv>();
app.onError(errorResponse);
app.use(requestId({ headerName: "X-Correlation-Id", limitLength: 128 }));
// As the API does: hono's cors() only for preflights, the headers set ahead of the response otherwise.
const preflight = cors({
  origin: "*",
  allowHeaders: ["Content-Type", "Authorization", "Idempotency-Key", "X-Correlation-Id"],
});
app.use(async (c, next) => {
  if (c.req.method === "OPTIONS") return preflight(c, next);
  c.header("Access-Control-Allow-Origin", "*");
  return next();
});
app.use(limitBody(8 * 1024));
app.post(
  "/shows/:showId/orders",
  requireBuyer(tokens),
  validate("param", z.object({ showId: ShowId })),
  validate("header", z.object({ "idempotency-key": IdempotencyKey })),
  validate("json", PurchaseBody),
  async (c) => {
    const { showId } = c.req.valid("param");
    const customerId = c.get("customerId");
    const { quantity } = c.req.valid("json");
    try {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: showKey(showId),
          UpdateExpression: "SET remaining = remaining - :q, sold = sold + :q",
          ConditionExpression: "remaining >= :q",
          ExpressionAttributeValues: { ":q": quantity },
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException)
        throw new HotSeatError("sold_out", "sold out", { remaining: 0 });
      throw e;
    }
    const order = {
      id: newOrderId(),
      showId,
      customerId,
      quantity,
      createdAt: new Date().toISOString(),
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      status: "persisted",
    };
    await doc.send(new PutCommand({ TableName, Item: { pk: `$naive#order_${order.id}`, sk: "order", ...order } }));
    accepted++;
    lastAckAt = Date.now();
    return c.json({ order }, 201);
  },
);

let emulatorRequestId = 0;
const emulatorStats = (): Promise<EmulatorStats> =>
  new Promise((resolve, reject) => {
    const id = ++emulatorRequestId;
    const timer = setTimeout(() => reject(new Error("emulators did not answer")), 10_000);
    const onMessage = (m: EmulatorStats & { id: number }) => {
      if (m?.id !== id) return;
      clearTimeout(timer);
      emulators.process.off("message", onMessage);
      resolve(m);
    };
    emulators.process.on("message", onMessage);
    emulators.process.send({ type: "stats", id });
  });

const methods = {
  awsLimitCounts: () => limited?.counts() ?? null,
  async createShow(capacity: number) {
    const showId = newShowId();
    await doc.send(
      new PutCommand({ TableName, Item: { ...showKey(showId), showId, capacity, remaining: capacity, sold: 0 } }),
    );
    return showId;
  },
  async counters(): Promise<NaiveCounters> {
    return { at: Date.now(), accepted, lastAckAt, emulators: await emulatorStats() };
  },
  /** The show's counters and its orders as DynamoDB holds them, for the oversell check. */
  async audit(showId: string) {
    const show = await doc.send(new GetCommand({ TableName, Key: showKey(showId), ConsistentRead: true }));
    let orders = 0;
    let tickets = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName,
          ExclusiveStartKey: start,
          FilterExpression: "sk = :o AND showId = :s",
          ExpressionAttributeValues: { ":o": "order", ":s": showId },
          ProjectionExpression: "quantity",
        }),
      );
      orders += page.Items?.length ?? 0;
      tickets += (page.Items ?? []).reduce((n, i) => n + Number(i.quantity), 0);
      start = page.LastEvaluatedKey;
    } while (start);
    return { sold: Number(show.Item?.sold ?? 0), remaining: Number(show.Item?.remaining ?? 0), orders, tickets };
  },
};

const emulatorProcesses = (await emulatorStats()).processes;
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (addr: AddressInfo) => {
  const info: NaiveInfo = {
    url: `http://127.0.0.1:${addr.port}`,
    showId: "",
    pids: { api: process.pid, ...Object.fromEntries(emulatorProcesses.map((p) => [p.name, p.pid])) },
  };
  serveParent(info, methods, async () => {
    await new Promise<void>((done) => server.close(() => done()));
    doc.destroy();
    await limited?.stop();
    await emulators.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
