import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FaultProxy } from "../src/fault-proxy.ts";
import { ensureStream } from "../src/resources.ts";
import { startTestEmulators, type TestEmulators } from "../src/testing.ts";

// Real dynalite and kinesalite behind the proxy; the SDK through it makes one attempt.
let t: TestEmulators;
let dynamoProxy: FaultProxy;
let kinesisProxy: FaultProxy;
let doc: DynamoDBDocumentClient;
let direct: DynamoDBDocumentClient;
let kinesis: KinesisClient;
const table = "proxy-test";
const stream = "proxy-test";

beforeAll(async () => {
  t = await startTestEmulators("fault-proxy");
  ({ dynamoProxy, kinesisProxy } = t);
  doc = t.documents("proxy");
  direct = t.documents();
  kinesis = t.kinesis("proxy");
  await t.createTable(table, [{ name: "byShow", hash: "gpk", range: "gsk" }]);
  await ensureStream(t.kinesis(), stream, 1);
});
afterAll(() => t?.stop());

const scanAll = async () => (await direct.send(new ScanCommand({ TableName: table }))).Items ?? [];

it("forwards untouched when the policy passes", async () => {
  dynamoProxy.setPolicy({});
  await doc.send(new PutCommand({ TableName: table, Item: { pk: "p0", sk: "s0" } }));
  expect((await scanAll()).map((i) => i.pk)).toContain("p0");
  expect(dynamoProxy.counts()["dynamodb.PutItem.pass"]).toBeGreaterThan(0);
});

it("a partial BatchWriteItem writes the kept items and hands the rest back as UnprocessedItems", async () => {
  dynamoProxy.setPolicy({
    onRequest: (call) => (call.operation === "BatchWriteItem" ? { kind: "partial", keep: [0, 2] } : undefined),
  });
  const items = [0, 1, 2, 3].map((n) => ({ pk: `b${n}`, sk: "x" }));
  const out = await doc.send(
    new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
  );
  expect(out.UnprocessedItems?.[table]?.map((r) => r.PutRequest?.Item?.pk)).toEqual(["b1", "b3"]);
  const stored = (await scanAll()).map((i) => i.pk).filter((pk) => String(pk).startsWith("b"));
  expect(stored.sort()).toEqual(["b0", "b2"]);
  expect(dynamoProxy.counts()["dynamodb.BatchWriteItem.partial"]).toBe(1);

  // keep nothing: nothing reaches dynalite, everything comes back
  dynamoProxy.setPolicy({ onRequest: () => ({ kind: "partial", keep: [] }) });
  const none = await doc.send(
    new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { pk: "b9", sk: "x" } } }] } }),
  );
  expect(none.UnprocessedItems?.[table]).toHaveLength(1);
  expect((await scanAll()).map((i) => i.pk)).not.toContain("b9");
});

it("an error verdict reaches the SDK as the named AWS error, marked as made up", async () => {
  dynamoProxy.setPolicy({
    onRequest: () => ({
      kind: "error",
      status: 400,
      type: "ProvisionedThroughputExceededException",
      message: "The level of configured provisioned throughput for the table was exceeded",
    }),
  });
  const error = await doc.send(new PutCommand({ TableName: table, Item: { pk: "e1", sk: "x" } })).catch((e) => e);
  expect(error.name).toBe("ProvisionedThroughputExceededException");
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(error.$response?.headers?.["x-hotseat-fault-proxy"]).toBe("1");
  expect((await scanAll()).map((i) => i.pk)).not.toContain("e1");

  kinesisProxy.setPolicy({
    onRequest: () => ({
      kind: "error",
      status: 400,
      type: "ProvisionedThroughputExceededException",
      message: "Rate exceeded",
    }),
  });
  const kError = await kinesis
    .send(new PutRecordsCommand({ StreamName: stream, Records: [{ Data: Buffer.from("x"), PartitionKey: "k" }] }))
    .catch((e) => e);
  expect(kError.name).toBe("ProvisionedThroughputExceededException");
});

it("a partial PutRecords fails the refused records one by one, as Kinesis does", async () => {
  kinesisProxy.setPolicy({
    onRequest: (call) => (call.operation === "PutRecords" ? { kind: "partial", keep: [1] } : undefined),
  });
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: [0, 1, 2].map((n) => ({ Data: Buffer.from(`r${n}`), PartitionKey: `k${n}` })),
    }),
  );
  expect(out.FailedRecordCount).toBe(2);
  expect(out.Records?.map((r) => r.ErrorCode ?? "ok")).toEqual([
    "ProvisionedThroughputExceededException",
    "ok",
    "ProvisionedThroughputExceededException",
  ]);
  expect(out.Records?.[1]?.SequenceNumber).toMatch(/^\d+$/);
  expect(kinesisProxy.counts()["kinesis.PutRecords.partial"]).toBe(1);
});

it("a dropped call is a network fault to the SDK, and nothing is written", async () => {
  dynamoProxy.setPolicy({ onRequest: () => ({ kind: "drop" }) });
  const error = await doc.send(new PutCommand({ TableName: table, Item: { pk: "d1", sk: "x" } })).catch((e) => e);
  expect(error).toBeInstanceOf(Error);
  expect(String(error.code ?? error.name)).toMatch(/ECONNRESET|socket hang up|TimeoutError|Error/);
  expect((await scanAll()).map((i) => i.pk)).not.toContain("d1");
  expect(dynamoProxy.counts()["dynamodb.PutItem.drop"]).toBe(1);
});

it("a delay verdict forwards after waiting", async () => {
  dynamoProxy.setPolicy({ onRequest: () => ({ kind: "delay", ms: 300 }) });
  const t0 = Date.now();
  await doc.send(new PutCommand({ TableName: table, Item: { pk: "w1", sk: "x" } }));
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  expect((await scanAll()).map((i) => i.pk)).toContain("w1");
});

it("onResponse can hide index rows written less than N ms ago (a lagging GSI), leaving table reads alone", async () => {
  const writtenAt = new Map<string, number>();
  const lagMs = 400;
  dynamoProxy.setPolicy({
    onRequest: (call) => {
      if (call.operation === "PutItem") writtenAt.set(call.body.Item.pk.S, call.receivedAt);
      return undefined;
    },
    onResponse: (call, answer) => {
      if (call.operation !== "Query" || !call.body.IndexName) return answer;
      const visible = (answer.Items ?? []).filter(
        (i: { pk: { S: string } }) => call.receivedAt - (writtenAt.get(i.pk.S) ?? 0) >= lagMs,
      );
      return { ...answer, Items: visible, Count: visible.length };
    },
  });
  await doc.send(new PutCommand({ TableName: table, Item: { pk: "g1", sk: "x", gpk: "show", gsk: "1" } }));
  const byIndex = () =>
    doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byShow",
        KeyConditionExpression: "gpk = :s",
        ExpressionAttributeValues: { ":s": "show" },
      }),
    );
  const early = await byIndex();
  expect(early.Count).toBe(0);
  const onTable = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": "g1" },
    }),
  );
  expect(onTable.Count).toBe(1);
  await new Promise((r) => setTimeout(r, lagMs + 50));
  expect((await byIndex()).Count).toBe(1);
  expect(dynamoProxy.counts()["dynamodb.Query.rewritten"]).toBe(1);
});
