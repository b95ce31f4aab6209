import fs from "node:fs";
import path from "node:path";
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { log } from "@hotseat/core/log";
import { sleep } from "@hotseat/core/util";
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";

export interface PollerOptions {
  /** Records per invocation (the event source mapping's BatchSize). */
  batchSize: number;
  /** How long to gather records before invoking with a partial batch (MaximumBatchingWindowInSeconds). */
  batchingWindowMs: number;
  /** Retries of a failing batch before its records go to the dead-letter destination (MaximumRetryAttempts). */
  maxRetries: number;
  /** Split a failing batch in two and retry each half (BisectBatchOnFunctionError). */
  bisectOnError: boolean;
  /** Records older than this skip the writer and go to the dead-letter destination (MaximumRecordAgeInSeconds). */
  maxRecordAgeMs: number;
  /** Idle wait between empty reads. */
  pollIntervalMs: number;
}

export const defaultPollerOptions: PollerOptions = {
  batchSize: 100, // as infra/pump.ts: records, each packing up to 100 orders
  // AWS's mapping waits up to 1 s (infra/pump.ts). A fifth of that keeps local feedback quick while
  // batches stay big enough to fill BatchWriteItem calls and share one projection update (docs/bench.md).
  batchingWindowMs: 200,
  maxRetries: 3,
  bisectOnError: true,
  maxRecordAgeMs: 24 * 3600 * 1000,
  // Kinesis allows five reads per shard per second, and reading empty shards faster only burns an idle
  // stack's CPU (docs/bench.md); busy shards are read again as the window closes.
  pollIntervalMs: 200,
};

export type BatchHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | undefined>;

export interface DeadLetter {
  at: string;
  shardId: string;
  reason: string;
  records: { sequenceNumber: string; partitionKey: string; data: string }[];
}

/** Where the poller keeps its place per shard, so a restart resumes after the last handled record. */
class CheckpointFile {
  private state: Record<string, string> = {};
  constructor(private readonly file: string) {
    try {
      this.state = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      this.state = {};
    }
  }
  get(shardId: string) {
    return this.state[shardId];
  }
  set(shardId: string, sequenceNumber: string) {
    this.state[shardId] = sequenceNumber;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state));
    fs.renameSync(tmp, this.file);
  }
}

/**
 * The local stand-in for Lambda's Kinesis event source mapping: it reads every shard, hands
 * batches to the same writer handler, and honours the same settings (batch size, batching
 * window, bisect on error, bounded retries, maximum record age, partial batch responses, an
 * on-failure destination: here a JSON-lines file).
 */
export class KinesisPoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly options: PollerOptions;
  private readonly checkpoints: CheckpointFile;
  readonly deadLetterFile: string;
  invocations = 0;
  recordsHandled = 0;
  /** Records read but not yet handled, plus what the last read said it was behind. */
  millisBehind = new Map<string, number>();

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    private readonly handler: BatchHandler,
    dataDir: string,
    options: Partial<PollerOptions> = {},
  ) {
    this.options = { ...defaultPollerOptions, ...options };
    fs.mkdirSync(dataDir, { recursive: true });
    this.checkpoints = new CheckpointFile(path.join(dataDir, "pump-checkpoints.json"));
    this.deadLetterFile = path.join(dataDir, "dead-letter.jsonl");
  }

  async start() {
    this.running = true;
    const { Shards = [] } = await this.kinesis.send(new ListShardsCommand({ StreamName: this.streamName }));
    this.loops = Shards.map((s) => this.pollShard(s.ShardId ?? ""));
  }

  async stop() {
    this.running = false;
    await Promise.allSettled(this.loops);
  }

  deadLetters(): DeadLetter[] {
    if (!fs.existsSync(this.deadLetterFile)) return [];
    return fs
      .readFileSync(this.deadLetterFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  private async iterator(shardId: string) {
    const after = this.checkpoints.get(shardId);
    const out = await this.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber: after }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return out.ShardIterator;
  }

  private async pollShard(shardId: string) {
    let iterator: string | undefined;
    let buffered: _Record[] = [];
    let firstAt = 0;
    while (this.running) {
      try {
        iterator ??= await this.iterator(shardId);
        if (!iterator) return;
        const out = await this.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize - buffered.length }),
        );
        iterator = out.NextShardIterator;
        this.millisBehind.set(shardId, out.MillisBehindLatest ?? 0);
        const records = out.Records ?? [];
        if (records.length > 0 && buffered.length === 0) firstAt = Date.now();
        buffered.push(...records);
        const full = buffered.length >= this.options.batchSize;
        const windowOver = buffered.length > 0 && Date.now() - firstAt >= this.options.batchingWindowMs;
        if (full || windowOver) {
          const batch = buffered;
          buffered = [];
          await this.deliver(shardId, batch);
          const last = batch[batch.length - 1]?.SequenceNumber;
          if (last) this.checkpoints.set(shardId, last);
          continue;
        }
        // Not enough for a batch yet: read again after the poll interval, or when the window closes
        // if that comes first. Reading in a tight loop meanwhile costs the writer and the stream a
        // call per few records (Kinesis allows five reads per shard per second).
        const windowLeft = buffered.length > 0 ? firstAt + this.options.batchingWindowMs - Date.now() : Infinity;
        await sleep(Math.max(1, Math.min(this.options.pollIntervalMs, windowLeft)));
      } catch (e) {
        // The stream went away or an iterator expired: start again from the last checkpoint.
        buffered = [];
        iterator = undefined;
        if (this.running) {
          log.warn("poller.read_failed", { shardId, error: String(e) });
          await sleep(500);
        }
      }
    }
  }

  /** Invokes the handler with retries and bisection; what still fails goes to the dead-letter file. */
  private async deliver(shardId: string, records: _Record[]): Promise<void> {
    const now = Date.now();
    const tooOld = records.filter(
      (r) => now - (r.ApproximateArrivalTimestamp?.getTime() ?? now) > this.options.maxRecordAgeMs,
    );
    if (tooOld.length > 0) {
      this.deadLetter(shardId, tooOld, "record older than the maximum record age");
      const old = new Set(tooOld);
      records = records.filter((r) => !old.has(r));
    }
    let reason = "";
    for (let attempt = 0; records.length > 0; attempt++) {
      let failedFrom = -1;
      try {
        this.invocations++;
        const res = await this.handler(this.toEvent(shardId, records));
        const failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = records.findIndex((r) => failed.has(r.SequenceNumber ?? ""));
        reason = failedFrom >= 0 ? "the writer reported the record failed" : "";
      } catch (e) {
        failedFrom = 0;
        reason = `the writer threw: ${(e as Error).message}`;
      }
      if (failedFrom < 0) {
        this.recordsHandled += records.length;
        return;
      }
      // As Lambda does with partial batch responses: everything before the first failure is done.
      this.recordsHandled += failedFrom;
      records = records.slice(failedFrom);
      if (this.options.bisectOnError && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        await this.deliver(shardId, records.slice(0, half));
        await this.deliver(shardId, records.slice(half));
        return;
      }
      if (attempt >= this.options.maxRetries) {
        this.deadLetter(shardId, records, reason);
        return;
      }
      await sleep(Math.min(100 * 2 ** attempt, 2000));
    }
  }

  private deadLetter(shardId: string, records: _Record[], reason: string) {
    const entry: DeadLetter = {
      at: new Date().toISOString(),
      shardId,
      reason,
      records: records.map((r) => ({
        sequenceNumber: r.SequenceNumber ?? "",
        partitionKey: r.PartitionKey ?? "",
        data: Buffer.from(r.Data ?? new Uint8Array()).toString("utf8"),
      })),
    };
    fs.appendFileSync(this.deadLetterFile, `${JSON.stringify(entry)}\n`);
    log.error("poller.dead_letter", { shardId, reason, count: records.length });
  }

  private toEvent(shardId: string, records: _Record[]): KinesisStreamEvent {
    return {
      Records: records.map((r) => ({
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: r.PartitionKey ?? "",
          sequenceNumber: r.SequenceNumber ?? "",
          data: Buffer.from(r.Data ?? new Uint8Array()).toString("base64"),
          approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `${shardId}:${r.SequenceNumber}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::000000000000:role/local-writer",
        awsRegion: "us-east-1",
        eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${this.streamName}`,
      })),
    };
  }
}
