import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createDb, ElectroProjectionStore, persistedOrders } from "@hotseat/core/db";
import { type PumpMessage, projectBatch } from "@hotseat/core/projection";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureTable } from "../src/resources.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

let t: TestStack;
beforeAll(async () => {
  // No poller: the test plays the writer itself, with the records the API really published.
  t = await startTestStack({ poll: false });
});
afterAll(async () => {
  await t?.stop();
});

async function pumpMessages(): Promise<PumpMessage[]> {
  const { kinesis, config } = t.stack.runtime;
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: config.pump.streamName }));
  const out: PumpMessage[] = [];
  for (const s of Shards) {
    const it = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: config.pump.streamName,
        ShardId: s.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const { Records = [] } = await kinesis.send(
      new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 1000 }),
    );
    for (const r of Records) out.push({ id: r.SequenceNumber ?? "", data: Buffer.from(r.Data ?? []).toString("utf8") });
  }
  return out;
}

async function projected(table: string) {
  const out = await t.stack.runtime.dynamo.send(new ScanCommand({ TableName: table }));
  return (out.Items ?? [])
    .filter((i) => ["order", "orderStatus", "shardProjection"].includes(String(i.__edb_e__)))
    .sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

function shuffle<T>(items: T[], seed: number): T[] {
  const a = [...items];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

it("leaves the same DynamoDB state after a batch delivered once, twice, or shuffled in pieces", async () => {
  const show = await t.createShow({ capacity: 60, shards: 3, maxPerCustomer: 4 });
  await t.preload(show.id);
  let tickets = 0;
  const buy = async (i: number) => {
    tickets += 1 + (i % 3);
    const res = await t.buy(show.id, `w${i}`, 1 + (i % 3), `writer-key-${i}`);
    expect(res.status).toBe(201);
  };
  // One at a time, each order goes in a record of its own; at once, they share packed records.
  for (let i = 0; i < 10; i++) await buy(i);
  await Promise.all(Array.from({ length: 15 }, (_, i) => buy(10 + i)));
  await t.stack.runtime.publisher.drain();
  const messages = await pumpMessages();
  const ordersIn = (m: PumpMessage) => (JSON.parse(m.data) as { orders: unknown[] }).orders.length;
  expect(messages.reduce((n, m) => n + ordersIn(m), 0)).toBe(25);
  expect(messages.filter((m) => ordersIn(m) === 1).length).toBeGreaterThanOrEqual(10);
  expect(messages.length).toBeLessThan(25);
  const space = t.stack.runtime.space;
  const pendingOf = async () => (await space.readShards(show.id, 3)).reduce((n, s) => n + s.pendingTickets, 0);
  expect(await pendingOf()).toBe(tickets);

  const deps = { store: new ElectroProjectionStore(t.stack.runtime.db), space };
  const first = await projectBatch(deps, messages);
  expect(first.failures).toEqual([]);
  expect(first.persisted).toBe(25);
  const once = await projected(t.stack.config.table.name);
  expect(once.filter((i) => i.__edb_e__ === "order")).toHaveLength(25);
  expect(once.filter((i) => i.__edb_e__ === "shardProjection").reduce((n, i) => n + Number(i.soldAfter), 0)).toBe(
    tickets,
  );
  expect(await pendingOf()).toBe(0);

  await projectBatch(deps, messages);
  expect(await projected(t.stack.config.table.name)).toEqual(once);
  expect(await pendingOf()).toBe(0);

  // The same facts into a second table, shuffled and split, the later half first, then all again.
  const other = "hotseat-shuffled";
  await ensureTable(t.stack.runtime.dynamo, other);
  const db2 = createDb(t.stack.runtime.dynamo, other);
  const mixed = shuffle(messages, 42);
  const half = Math.floor(mixed.length / 2);
  await projectBatch({ store: new ElectroProjectionStore(db2), space }, mixed.slice(half));
  await projectBatch({ store: new ElectroProjectionStore(db2), space }, mixed.slice(0, half));
  await projectBatch({ store: new ElectroProjectionStore(db2), space }, shuffle(messages, 7));
  expect(await projected(other)).toEqual(once);
});

it("keeps every version of an order's status: any order of delivery, any number of times, the same table and the latest status", async () => {
  const show = await t.createShow({ capacity: 20, priceCents: 700, shards: 2 });
  await t.preload(show.id);
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await t.buy(show.id, `life${i}`, 1, `life-key-${i}`);
    expect(res.body.order.status).toBe("held");
    ids.push(res.body.order.id);
  }
  const act = (path: string, as: string, body?: unknown) =>
    t.request("POST", path, { as, ...(body === undefined ? {} : { body }) });
  for (const i of [0, 1, 2]) await act(`/orders/${ids[i]}/test-payment`, `life${i}`, { card: "4242424242424242" });
  await act(`/orders/${ids[3]}/cancel`, "life3");
  await t.request("POST", `/admin/orders/${ids[0]}/refund`, { admin: true });
  await t.stack.runtime.publisher.drain();
  const messages = (await pumpMessages()).filter((m) => m.data.includes(show.id));
  const versions = messages.flatMap((m) => (JSON.parse(m.data) as { orders: { version: number }[] }).orders);
  expect(versions.filter((o) => o.version > 1)).toHaveLength(5);

  const expected = ["refunded", "confirmed", "confirmed", "cancelled", "held", "held"];
  const statuses = async (db: ReturnType<typeof createDb>) => {
    const orders = await persistedOrders(db, show.id);
    return ids.map((id) => orders.find((o) => o.id === id)?.status);
  };
  const tableOf = async (name: string, batches: PumpMessage[][]) => {
    await ensureTable(t.stack.runtime.dynamo, name);
    const db = createDb(t.stack.runtime.dynamo, name);
    for (const batch of batches)
      expect(
        (await projectBatch({ store: new ElectroProjectionStore(db), space: t.stack.runtime.space }, batch)).failures,
      ).toEqual([]);
    expect(await statuses(db)).toEqual(expected);
    return projected(name);
  };
  const inOrder = await tableOf("hotseat-life-1", [messages]);
  // Newest first, one record a batch, then all again twice.
  expect(await tableOf("hotseat-life-2", [...[...messages].reverse().map((m) => [m]), messages, messages])).toEqual(
    inOrder,
  );
  expect(await tableOf("hotseat-life-3", [shuffle(messages, 3), shuffle(messages, 11)])).toEqual(inOrder);
  expect(inOrder.filter((i) => i.__edb_e__ === "orderStatus")).toHaveLength(5);
});

it("reports a record it cannot read as a failure and still persists the rest", async () => {
  const show = await t.createShow({ capacity: 10 });
  await t.preload(show.id);
  expect((await t.buy(show.id, "p1", 2, "poison-key-1")).status).toBe(201);
  expect((await t.buy(show.id, "p2", 1, "poison-key-2")).status).toBe(201);
  await t.stack.runtime.publisher.drain();
  const [good, second] = (await pumpMessages()).filter((m) => m.data.includes(show.id));
  if (!good || !second) throw new Error("expected two pump records for the show");
  // A packed record holding a good order beside a bad one.
  const { orders } = JSON.parse(second.data) as { orders: unknown[] };
  const mixed = { type: "orders.accepted", orders: [...orders, { id: "nope" }] };
  const batch: PumpMessage[] = [
    { id: "poison-1", data: "{not json" },
    good,
    { id: "poison-2", data: JSON.stringify({ type: "order.accepted", order: { id: "nope" } }) },
    { id: "poison-3", data: JSON.stringify(mixed) },
  ];
  const result = await projectBatch(
    { store: new ElectroProjectionStore(t.stack.runtime.db), space: t.stack.runtime.space },
    batch,
  );
  expect(result.failures.map((f) => f.id)).toEqual(["poison-1", "poison-2", "poison-3"]);
  expect(result.failures[0]?.reason).toMatch(/not JSON/);
  expect(result.failures[1]?.reason).toMatch(/order\.id/);
  expect(result.failures[2]?.reason).toMatch(/orders\.1: id/);
  // The bad order fails its record (retry, then the dead-letter queue); the good one beside it is persisted.
  expect(result.persisted).toBe(2);
  const stored = await persistedOrders(t.stack.runtime.db, show.id);
  expect(stored.map((o) => o.customerId).sort()).toEqual(["p1", "p2"]);
});

it("records no rebuild barrier from a batch in which an earlier record failed, and fails the barrier too", async () => {
  // DynamoDB throttling every order write (UnprocessedItems), played by a client stand-in: dynalite never does.
  const writes: string[] = [];
  const client = {
    config: {},
    middlewareStack: {},
    destroy: () => {},
    send: async (cmd: { constructor: { name: string }; input: { RequestItems?: Record<string, unknown[]> } }) => {
      writes.push(cmd.constructor.name);
      const items = cmd.input.RequestItems?.throttled ?? [];
      return { UnprocessedItems: items.length > 0 ? { throttled: items } : {} };
    },
  };
  const db = createDb(client as never, "throttled");
  const show = await t.createShow({ capacity: 5 });
  await t.preload(show.id);
  expect((await t.buy(show.id, "thr", 1, "throttled-key-1")).status).toBe(201);
  await t.stack.runtime.publisher.drain();
  const [order] = (await pumpMessages()).filter((m) => m.data.includes(show.id));
  if (!order) throw new Error("expected the order's pump record");
  const barrier = {
    id: "barrier-1",
    data: JSON.stringify({ type: "space.barrier", barrierId: "bar_1", pumpShardId: "s0" }),
  };
  const result = await projectBatch(
    { store: new ElectroProjectionStore(db), space: t.stack.runtime.space, maxWriteAttempts: 2, sleep: async () => {} },
    [order, barrier],
  );
  expect(result.failures.map((f) => f.id)).toEqual([order.id, "barrier-1"]);
  expect(result.barriers).toBe(0);
  // Only the order and ledger writes went out (and were refused), twice: no barrier item was ever put.
  expect(new Set(writes)).toEqual(new Set(["BatchWriteCommand"]));
  expect(writes).toHaveLength(4);
});
