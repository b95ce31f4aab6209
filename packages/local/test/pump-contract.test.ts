import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { PumpEvent } from "@hotseat/core/order";
import { createKinesisClient, PumpPublisher, type PumpRecord } from "@hotseat/core/pump";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type PumpHarness, pumpContract } from "../../core/src/pump/pump.contract.ts";
import { type Emulators, startEmulators } from "../src/emulators.ts";
import { ensureStream } from "../src/resources.ts";

// The contract InMemoryPump keeps (packages/core/src/pump/in-memory.test.ts), on PumpPublisher and a real kinesalite:
// each case gets a fresh stream of 2 shards, read back from the start with GetRecords.
let emulators: Emulators;
let kinesis: KinesisClient;
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
let streams = 0;

beforeAll(async () => {
  emulators = await startEmulators(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-pump-contract-")));
  kinesis = createKinesisClient({ endpoint: emulators.kinesisEndpoint, region: "us-east-1", credentials });
});
afterAll(async () => {
  kinesis?.destroy();
  await emulators?.stop();
});

async function readStream(streamName: string): Promise<Map<string, PumpRecord[]>> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const out = new Map<string, PumpRecord[]>();
  for (const s of Shards) {
    const records: PumpRecord[] = [];
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: s.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const r of page.Records ?? [])
        records.push({
          partitionKey: r.PartitionKey ?? "",
          event: PumpEvent.parse(JSON.parse(Buffer.from(r.Data ?? []).toString())),
        });
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    out.set(s.ShardId ?? "", records);
  }
  return out;
}

async function harness(): Promise<PumpHarness> {
  const streamName = `pump-contract-${process.pid}-${++streams}`;
  await ensureStream(kinesis, streamName, 2);
  return {
    pump: new PumpPublisher(kinesis, streamName),
    read: () => readStream(streamName),
    // No such stream: every PutRecords fails, so the publish resolves false after its one attempt.
    refusing: () => new PumpPublisher(kinesis, `${streamName}-absent`, { maxAttempts: 1 }),
  };
}

describe("PumpPublisher keeps the OrderPump contract (kinesalite)", () => {
  beforeAll(() => {
    expect(emulators.kinesisEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
  pumpContract(harness);
});
