import type { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { describe, expect, it } from "vitest";
import { PumpPublisher } from "./index.ts";

/** A Kinesis stand-in: records each PutRecords, answers when told to. */
function fakeKinesis(fail: (call: number, i: number) => boolean = () => false) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: (() => void)[] = [];
  const client = {
    send(cmd: PutRecordsCommand) {
      const call = calls.length;
      const records = cmd.input.Records ?? [];
      calls.push(records.length);
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
  return { client, calls, answerAll, maxInFlight: () => maxInFlight };
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
