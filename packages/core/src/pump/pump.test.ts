import type { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { describe, expect, it } from "vitest";
import { type OrderRecord, PumpEvent } from "../order/index.ts";
import { PumpPublisher } from "./index.ts";

/** A Kinesis stand-in: records each PutRecords, answers when told to. */
function fakeKinesis(fail: (call: number, i: number) => boolean = () => false) {
  const calls: number[] = [];
  const sent: { data: string; key: string }[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: (() => void)[] = [];
  const client = {
    send(cmd: PutRecordsCommand) {
      const call = calls.length;
      const records = cmd.input.Records ?? [];
      calls.push(records.length);
      sent.push(records.map((r) => ({ data: Buffer.from(r.Data ?? []).toString(), key: r.PartitionKey ?? "" })));
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve) => {
        pending.push(() => {
          inFlight--;
          resolve({
            Records: records.map((_, i) => (fail(call, i) ? { ErrorCode: "Throttled" } : { SequenceNumber: "1" })),
          });
        });
      });
    },
  } as unknown as KinesisClient;
  const answerAll = async () => {
    while (pending.length > 0) {
      for (const answer of pending.splice(0)) answer();
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  return { client, calls, sent, answerAll, maxInFlight: () => maxInFlight };
}

const order = (i: number) => ({ type: "space.barrier", barrierId: `b${i}`, pumpShardId: "s" }) as const;

describe("PumpPublisher", () => {
  it("gathers concurrent records into one PutRecords", async () => {
    const k = fakeKinesis();
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 1 });
    const done = Promise.all(Array.from({ length: 50 }, (_, i) => p.publish(order(i), `k${i}`)));
    await new Promise((r) => setTimeout(r, 5));
    await k.answerAll();
    expect(await done).toEqual(Array(50).fill(true));
    expect(k.calls).toEqual([50]);
  });

  it("by default sends what one event-loop turn published together, as soon as the turn ends", async () => {
    const k = fakeKinesis();
    const p = new PumpPublisher(k.client, "pump");
    const done = Promise.all([p.publish(order(0), "a"), p.publish(order(1), "b"), p.publish(order(2), "c")]);
    expect(k.calls).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(k.calls).toEqual([3]);
    await k.answerAll();
    expect(await done).toEqual([true, true, true]);
  });

  it("keeps at most maxInFlight calls out and sends what gathered meanwhile as soon as one returns", async () => {
    const k = fakeKinesis();
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 1, maxInFlight: 1 });
    const first = p.publish(order(0), "a");
    await new Promise((r) => setTimeout(r, 5));
    const later = Promise.all(Array.from({ length: 30 }, (_, i) => p.publish(order(i + 1), `k${i}`)));
    await new Promise((r) => setTimeout(r, 5));
    expect(k.calls).toEqual([1]);
    await k.answerAll();
    expect(await first).toBe(true);
    expect(await later).toEqual(Array(30).fill(true));
    expect(k.calls).toEqual([1, 30]);
    expect(k.maxInFlight()).toBe(1);
  });

  it("retries the records Kinesis refused, and reports false after the last attempt; drain waits for both", async () => {
    const k = fakeKinesis((call, i) => i === 0 && call < 10);
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 0, maxAttempts: 2 });
    const results = Promise.all([p.publish(order(0), "a"), p.publish(order(1), "b")]);
    const answering = setInterval(() => void k.answerAll(), 2);
    await p.drain();
    clearInterval(answering);
    expect(await results).toEqual([false, true]);
    expect(k.calls).toEqual([2, 1]);
  });
});

const anOrder = (i: number): OrderRecord => ({
  id: `ord_01J${String(i).padStart(23, "0")}`,
  showId: "shw_01J00000000000000000000000",
  customerId: `c${i}`,
  quantity: 1,
  createdAt: "2026-11-29T10:00:00.000Z",
  idempotencyKey: `key-${String(i).padStart(8, "0")}`,
  shard: 0,
  soldAfter: i + 1,
  priceCents: 100,
  status: "confirmed",
  version: 1,
});

/** The orders each record of each call carries, as the writer decodes them. */
const packedIds = (sent: { data: string; key: string }[][]) =>
  sent.map((call) =>
    call.map((r) => {
      const event = PumpEvent.parse(JSON.parse(r.data));
      if (event.type !== "orders.accepted") throw new Error(`not packed: ${r.data}`);
      expect(r.key).toBe(event.orders[0]?.id);
      return event.orders.map((o) => o.id);
    }),
  );

describe("PumpPublisher packing orders", () => {
  it("packs concurrent orders into records of at most maxOrdersPerRecord, each keyed by its first order", async () => {
    const k = fakeKinesis();
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 1, maxOrdersPerRecord: 100 });
    const orders = Array.from({ length: 250 }, (_, i) => anOrder(i));
    const done = Promise.all(orders.map((o) => p.publishOrder(o)));
    await new Promise((r) => setTimeout(r, 5));
    await k.answerAll();
    expect(await done).toEqual(Array(250).fill(true));
    const ids = packedIds(k.sent);
    expect(ids.map((call) => call.map((r) => r.length))).toEqual([[100, 100, 50]]);
    expect(ids.flat(2)).toEqual(orders.map((o) => o.id));
    // Packed records carry the orders exactly as published.
    const first = PumpEvent.parse(JSON.parse(k.sent[0]?.[0]?.data ?? ""));
    expect(first.type === "orders.accepted" && first.orders[7]).toEqual(orders[7]);
    expect([p.putCalls, p.putRecords, p.putOrders]).toEqual([1, 3, 250]);
  });

  it("stays within maxBatch records a call, and the rest go in the next call", async () => {
    const k = fakeKinesis();
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 1, maxBatch: 2, maxOrdersPerRecord: 2, maxInFlight: 1 });
    const done = Promise.all(Array.from({ length: 5 }, (_, i) => p.publishOrder(anOrder(i))));
    const answering = setInterval(() => void k.answerAll(), 2);
    expect(await done).toEqual(Array(5).fill(true));
    clearInterval(answering);
    expect(packedIds(k.sent).map((call) => call.map((r) => r.length))).toEqual([[2, 2], [1]]);
  });

  it("retries every order of a refused record, and only those", async () => {
    // The first call's second record is refused (a throttled shard); the retry goes through.
    const k = fakeKinesis((call, i) => call === 0 && i === 1);
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 0, maxOrdersPerRecord: 3 });
    const orders = Array.from({ length: 6 }, (_, i) => anOrder(i));
    const results = Promise.all(orders.map((o) => p.publishOrder(o)));
    const answering = setInterval(() => void k.answerAll(), 2);
    await p.drain();
    clearInterval(answering);
    expect(await results).toEqual(Array(6).fill(true));
    expect(packedIds(k.sent)).toEqual([
      [orders.slice(0, 3).map((o) => o.id), orders.slice(3).map((o) => o.id)],
      [orders.slice(3).map((o) => o.id)],
    ]);
  });

  it("gives a record of its own to an event that is not an order", async () => {
    const k = fakeKinesis();
    const p = new PumpPublisher(k.client, "pump", { lingerMs: 1 });
    const done = Promise.all([p.publishOrder(anOrder(0)), p.publish(order(9), "barrier"), p.publishOrder(anOrder(1))]);
    await new Promise((r) => setTimeout(r, 5));
    await k.answerAll();
    expect(await done).toEqual([true, true, true]);
    const call = k.sent[0] ?? [];
    expect(call.map((r) => JSON.parse(r.data).type).sort()).toEqual(["orders.accepted", "space.barrier"]);
    expect(call.find((r) => r.key === "barrier")).toBeDefined();
  });
});

describe("the publisher's budget, which the rebuild's grace period is", () => {
  /**
   * A stand-in for a Kinesis that misbehaves (it says so in a header): it hangs every call, or answers
   * each with a retryable 500. It notes when each request arrived.
   */
  async function badKinesis(mode: "hang" | "fail") {
    const http = await import("node:http");
    const arrivals: number[] = [];
    const server = http.createServer((req, res) => {
      arrivals.push(Date.now());
      req.resume();
      if (mode === "hang") return; // never answers
      res.writeHead(500, { "content-type": "application/x-amz-json-1.1", "x-hotseat-stand-in": "1" });
      res.end(JSON.stringify({ __type: "InternalFailure", message: "stand-in failure" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const { createKinesisClient } = await import("./index.ts");
    const client = createKinesisClient({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    return {
      client,
      arrivals,
      stop: () => {
        client.destroy();
        server.closeAllConnections();
        server.close();
      },
    };
  }

  it.each(["hang", "fail"] as const)(
    "settles a publish to a Kinesis that %ss within settledWithinMs, and sends nothing after its budget",
    async (mode) => {
      const k = await badKinesis(mode);
      try {
        const p = new PumpPublisher(k.client, "pump", { lingerMs: 0, maxAttempts: 50, budgetMs: 700 });
        const started = Date.now();
        const published = await p.publishOrder(anOrder(1));
        const settled = Date.now() - started;
        expect(published).toBe(false);
        expect(settled).toBeLessThanOrEqual(p.settledWithinMs);
        expect(k.arrivals.length).toBeGreaterThan(0);
        // Wait past the grace period: no request may arrive after it (it could land after a barrier). One sent just
        // before the 700 ms budget may still be on the wire at 700 ms: the grace's margin past the budget covers it.
        await new Promise((r) => setTimeout(r, p.settledWithinMs));
        for (const at of k.arrivals) expect(at - started).toBeLessThan(p.settledWithinMs);
        await p.drain();
      } finally {
        k.stop();
      }
    },
  );
});
