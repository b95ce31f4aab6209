import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoDbLimits, kinesisLimits, shardOf } from "../src/aws-limits.ts";
import type { FaultProxy } from "../src/fault-proxy.ts";
import { ensureStream, ensureTable } from "../src/resources.ts";
import { startTestEmulators, type TestEmulators } from "../src/testing.ts";

// The simulated AWS limits in front of the real emulators, seen through the SDK with one attempt
// (no retries), on a clock the test moves: exactly what a second of a partition or shard takes.
let t: TestEmulators;
let dynamoProxy: FaultProxy;
let kinesisProxy: FaultProxy;
let doc: DynamoDBDocumentClient;
let kinesis: KinesisClient;
let clock = 1_000_000;
const now = () => clock;
const table = "limits-test";
const stream = "limits-test";
const shards = 4;

beforeAll(async () => {
  t = await startTestEmulators("aws-limits");
  ({ dynamoProxy, kinesisProxy } = t);
  doc = t.documents("proxy");
  kinesis = t.kinesis("proxy");
  await ensureTable(t.dynamo(), table);
  await ensureStream(t.kinesis(), stream, shards);
});
afterAll(() => t?.stop());

const put = (pk: string, i: number, extra: Record<string, string> = {}) =>
  doc.send(new PutCommand({ TableName: table, Item: { pk, sk: `s${i}`, ...extra } })).then(
    () => "ok",
    (e: Error) => e.name,
  );

describe("DynamoDB's per-partition limits (simulated)", () => {
  it("takes 1,000 small writes a second on one partition key, then refuses as the SDK reports it", async () => {
    dynamoProxy.setPolicy(dynamoDbLimits({ now }));
    const first = [];
    for (let i = 0; i < 1010; i++) first.push(await put("hot", i));
    expect(first.filter((r) => r === "ok")).toHaveLength(1000);
    expect(first.slice(1000)).toEqual(Array(10).fill("ProvisionedThroughputExceededException"));
    // Another partition key is not affected; half a second later half a second's writes fit.
    expect(await put("cold", 0)).toBe("ok");
    clock += 500;
    const later = [];
    for (let i = 0; i < 510; i++) later.push(await put("hot", 2000 + i));
    expect(later.filter((r) => r === "ok")).toHaveLength(500);
  });

  it("charges a KB per WCU, and the partition of a global index the item is keyed in", async () => {
    dynamoProxy.setPolicy(dynamoDbLimits({ now }));
    const big = "x".repeat(3000); // ~3 KB: 3 WCU
    const results = [];
    for (let i = 0; i < 340; i++) results.push(await put(`p${i}`, i, { big, gsi1pk: "one-show", gsi1sk: `o${i}` }));
    // Every item has its own table partition, but all share one index partition: 333 fit.
    expect(results.filter((r) => r === "ok")).toHaveLength(333);
  });

  it("answers a throttled BatchWriteItem's items in UnprocessedItems", async () => {
    dynamoProxy.setPolicy(dynamoDbLimits({ now, wcuPerPartition: 10 }));
    const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: "batch", sk: `b${i}` } } }));
    const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
    expect(out.UnprocessedItems?.[table]).toHaveLength(15);
  });
});

describe("Kinesis's per-shard limits (simulated)", () => {
  it("puts records on the shard Kinesis does (MD5 of the partition key)", async () => {
    kinesisProxy.setPolicy({});
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const out = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from("x") })),
      }),
    );
    const seen = (out.Records ?? []).map((r) => Number(r.ShardId?.split("-").pop()));
    expect(seen).toEqual(keys.map((k) => shardOf(k, shards)));
  });

  it("takes 1,000 records a second per shard and fails the rest per record", async () => {
    kinesisProxy.setPolicy(kinesisLimits({ shards, now }));
    const records = (key: string, n: number) =>
      Array.from({ length: n }, () => ({ PartitionKey: key, Data: Buffer.from("order") }));
    const a = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records("one", 500) }));
    const b = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records("one", 500) }));
    const c = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records("one", 20) }));
    expect([a.FailedRecordCount, b.FailedRecordCount, c.FailedRecordCount]).toEqual([0, 0, 20]);
    expect(new Set(c.Records?.map((r) => r.ErrorCode))).toEqual(new Set(["ProvisionedThroughputExceededException"]));
    // A key on another shard still has its own second.
    const other = ["k1", "k2", "k3", "k4", "k5", "k6"].find((k) => shardOf(k, shards) !== shardOf("one", shards)) ?? "";
    const d = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records(other, 10) }));
    expect(d.FailedRecordCount).toBe(0);
  });

  it("takes 1 MiB a second per shard", async () => {
    clock += 10_000;
    kinesisProxy.setPolicy(kinesisLimits({ shards, now }));
    const data = Buffer.alloc(100 * 1024, 1);
    const out = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 12 }, () => ({ PartitionKey: "mb", Data: data })),
      }),
    );
    expect(out.FailedRecordCount).toBe(2);
  });
});
