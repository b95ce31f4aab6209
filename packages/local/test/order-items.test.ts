import type { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  createDb,
  createDocumentClient,
  ledgerItem,
  orderItem,
  orderItemWriter,
  persistedOrders,
} from "@hotseat/core/db";
import { newOrderId } from "@hotseat/core/order";
import { newShowId } from "@hotseat/core/show";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

const ulidChar = fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ");
const ulid = fc.array(ulidChar, { minLength: 26, maxLength: 26 }).map((c) => c.join(""));
const anOrder = fc.record(
  {
    id: ulid.map((u) => `ord_${u}`),
    showId: ulid.map((u) => `shw_${u}`),
    customerId: fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,64}$/),
    quantity: fc.integer({ min: 1, max: 100 }),
    createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    idempotencyKey: fc.stringMatching(/^[\x21-\x7e]{8,128}$/),
    shard: fc.integer({ min: 0, max: 63 }),
    soldAfter: fc.integer({ min: 1, max: 1_000_000 }),
    priceCents: fc.integer({ min: 0, max: 1_000_000 }),
    correlationId: fc.string({ maxLength: 128 }),
    status: fc.constantFrom("held" as const, "confirmed" as const, "expired" as const),
    version: fc.integer({ min: 1, max: 5 }),
    holdExpiresAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  },
  {
    requiredKeys: [
      "id",
      "showId",
      "customerId",
      "quantity",
      "createdAt",
      "idempotencyKey",
      "shard",
      "soldAfter",
      "priceCents",
      "status",
      "version",
    ],
  },
);

describe("the writer's order items", () => {
  it("are exactly the items ElectroDB's own put builds, for any order", () => {
    const db = createDb(createDocumentClient({ region: "us-east-1" }), "orders");
    const writer = orderItemWriter(db);
    fc.assert(
      fc.property(anOrder, (o) => {
        const attributes = orderItem(o);
        const electro = (db.entities.order.put(attributes).params() as { Item: unknown }).Item;
        expect(writer.build(attributes)).toEqual(electro);
      }),
      { numRuns: 300 },
    );
  });

  it("builds ledger items exactly as ElectroDB's own put does, each in the bucket its id hashes to", () => {
    const db = createDb(createDocumentClient({ region: "us-east-1" }), "orders");
    const writer = orderItemWriter(db);
    fc.assert(
      fc.property(anOrder, (o) => {
        const attributes = ledgerItem(o);
        const electro = (db.entities.orderLedger.put(attributes).params() as { Item: unknown }).Item;
        expect(writer.buildLedger(attributes)).toEqual(electro);
        expect(attributes.bucket).toBe(ledgerItem({ ...o, version: o.version + 1 }).bucket);
      }),
      { numRuns: 300 },
    );
  });

  it("names the orders DynamoDB left unprocessed", async () => {
    // dynalite never leaves items unprocessed (it does not throttle): a client stand-in plays that answer.
    const sent: number[] = [];
    const client = {
      // ElectroDB checks for a v3 document client's shape; only `send` is called.
      config: {},
      middlewareStack: {},
      destroy: () => {},
      send: async (cmd: BatchWriteCommand) => {
        const items = cmd.input.RequestItems?.orders ?? [];
        sent.push(items.length);
        return { UnprocessedItems: { orders: items.slice(0, 1) } };
      },
    };
    const db = createDb(client as unknown as DynamoDBDocumentClient, "orders");
    const writer = orderItemWriter(db);
    const showId = newShowId();
    const orders = Array.from({ length: 60 }, (_, i) =>
      orderItem({
        id: newOrderId(),
        showId,
        customerId: `c${i}`,
        quantity: 1,
        createdAt: new Date().toISOString(),
        idempotencyKey: `order-items-${i}`,
        shard: 0,
        soldAfter: i + 1,
        priceCents: 100,
        status: "confirmed",
        version: 1,
      }),
    );
    const { unprocessed: left, calls } = await writer.put(orders, 2);
    expect(sent.sort()).toEqual([10, 25, 25]);
    expect(calls).toBe(3);
    expect(left.sort()).toEqual([orders[0]?.orderId, orders[25]?.orderId, orders[50]?.orderId].sort());
  });
});

describe("against DynamoDB (dynalite)", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ poll: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("writes orders that ElectroDB reads back by id, and a ledger the rebuild reads back by show", async () => {
    const db = t.stack.runtime.db;
    const writer = orderItemWriter(db);
    const showId = newShowId();
    const records = fc.sample(anOrder, 80).map((o) => ({ ...o, showId }));
    const orders = records.map(orderItem);
    expect((await writer.put(orders)).unprocessed).toEqual([]);
    // Every version in the ledger, an older one too: the rebuild keeps the latest of each.
    const older = records
      .filter((r) => r.version > 1)
      .map((r) => ({ ...r, version: r.version - 1, status: "held" as const }));
    expect((await writer.putLedger([...records, ...older].map(ledgerItem))).unprocessed).toEqual([]);
    const sortById = <T extends { id: string }>(a: T[]) => [...a].sort((x, y) => x.id.localeCompare(y.id));
    expect(sortById(await persistedOrders(db, showId))).toEqual(sortById(records));
    // A hot show spreads over the ledger's buckets instead of one partition.
    expect(new Set(records.map((r) => ledgerItem(r).bucket)).size).toBeGreaterThan(16);
    const expected = orders.map(({ correlationId, holdExpiresAt, ...rest }) => ({
      ...rest,
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
    }));
    const one = await db.entities.order.get({ orderId: orders[0]?.orderId ?? "" }).go();
    expect(one.data).toEqual(expected[0]);
  });
});
