import {
  KinesisClient,
  type KinesisClientConfig,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { OrderRecord, PumpEvent } from "../order/index.ts";

export function createKinesisClient(config: KinesisClientConfig & { endpoint?: string } = {}) {
  // kinesalite speaks HTTP/1.1 only; the SDK's default Kinesis handler is HTTP/2.
  return new KinesisClient({
    ...config,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 5000 }),
  });
}

export interface PublisherOptions {
  /** How long a record waits for company before its PutRecords goes out (when no call is in flight). */
  lingerMs?: number;
  /** Kinesis caps PutRecords at 500 records. */
  maxBatch?: number;
  /** Attempts per record, with backoff, before it is left to the sweeper. */
  maxAttempts?: number;
  /**
   * PutRecords calls in flight at once. While they are, new records gather into the next batch
   * and go out the moment one returns: batches grow with the load instead of the call count.
   */
  maxInFlight?: number;
}

interface Waiting {
  entry: PutRecordsRequestEntry;
  bytes: number;
  attempts: number;
  resolve: (published: boolean) => void;
}

const MAX_PUT_RECORDS = 500;
const MAX_PUT_BYTES = 4 * 1024 * 1024;

/**
 * Gathers concurrent records into `PutRecords` calls. `publish` resolves true once Kinesis
 * holds the record, false when every attempt failed: the record is then still pending in the
 * space and the sweeper re-publishes it, so the caller may acknowledge either way.
 */
export class PumpPublisher {
  private queue: Waiting[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  /** Records waiting out a retry backoff (they hold no in-flight slot meanwhile). */
  private backingOff = new Set<Promise<void>>();
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly maxAttempts: number;
  private readonly maxInFlight: number;
  putCalls = 0;
  putRecords = 0;

  constructor(
    private readonly kinesis: KinesisClient,
    readonly streamName: string,
    options: PublisherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 4;
    this.maxBatch = Math.min(options.maxBatch ?? MAX_PUT_RECORDS, MAX_PUT_RECORDS);
    this.maxAttempts = options.maxAttempts ?? 4;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Publishes one event; the partition key spreads load across pump shards. */
  publish(event: PumpEvent, partitionKey: string): Promise<boolean> {
    const data = Buffer.from(JSON.stringify(event));
    return new Promise((resolve) => {
      const entry = { Data: data, PartitionKey: partitionKey };
      this.enqueue({ entry, bytes: data.length + partitionKey.length, attempts: 0, resolve });
    });
  }

  /**
   * Keyed by order id, not show id: Kinesis caps a shard at 1,000 records/s, so keying by the
   * show would rebuild the hot key one layer down. Order events commute, so order is not needed.
   */
  publishOrder(order: OrderRecord): Promise<boolean> {
    return this.publish({ type: "order.accepted", order }, order.id);
  }

  private enqueue(w: Waiting) {
    this.queue.push(w);
    this.queuedBytes += w.bytes;
    if (this.inFlight.size >= this.maxInFlight) return; // goes out when a call returns
    if (this.queue.length >= this.maxBatch || this.queuedBytes >= MAX_PUT_BYTES) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.lingerMs);
  }

  private flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) {
      let n = 0;
      let bytes = 0;
      while (n < this.queue.length && n < this.maxBatch) {
        const b = this.queue[n]?.bytes ?? 0;
        if (n > 0 && bytes + b > MAX_PUT_BYTES) break;
        bytes += b;
        n++;
      }
      const batch = this.queue.splice(0, n);
      this.queuedBytes -= bytes;
      const p: Promise<void> = this.put(batch).finally(() => {
        this.inFlight.delete(p);
        // Whatever gathered meanwhile has waited long enough.
        if (this.queue.length > 0) this.flush();
      });
      this.inFlight.add(p);
    }
  }

  private async put(batch: Waiting[]) {
    this.putCalls++;
    this.putRecords += batch.length;
    let failed: Waiting[];
    try {
      const out = await this.kinesis.send(
        new PutRecordsCommand({ StreamName: this.streamName, Records: batch.map((w) => w.entry) }),
      );
      failed = [];
      out.Records?.forEach((r, i) => {
        const w = batch[i];
        if (!w) return;
        if (r.ErrorCode) failed.push(w);
        else w.resolve(true);
      });
    } catch {
      failed = batch;
    }
    const retry: Waiting[] = [];
    for (const w of failed) {
      w.attempts++;
      if (w.attempts >= this.maxAttempts) w.resolve(false);
      else retry.push(w);
    }
    if (retry.length > 0) {
      const attempt = retry[0]?.attempts ?? 1;
      const delay = Math.min(50 * 2 ** attempt, 800) * (0.5 + Math.random());
      const p: Promise<void> = new Promise<void>((r) => setTimeout(r, delay)).then(() => {
        this.backingOff.delete(p);
        for (const w of retry) this.enqueue(w);
      });
      this.backingOff.add(p);
    }
  }

  /** Waits for every record handed in so far to be settled. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.backingOff.size > 0 || this.timer) {
      this.flush();
      await Promise.all([...this.inFlight, ...this.backingOff]);
    }
  }

  /**
   * Sends a barrier down every open pump shard (Kinesis keeps order within a shard), so once
   * the writer has seen all of them, everything published before is persisted.
   */
  async sendBarrier(barrierId: string): Promise<string[]> {
    const shards = await this.kinesis.send(new ListShardsCommand({ StreamName: this.streamName }));
    const open = (shards.Shards ?? []).filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
    await Promise.all(
      open.map((s) => {
        const event: PumpEvent = { type: "space.barrier", barrierId, pumpShardId: s.ShardId ?? "" };
        return this.kinesis.send(
          new PutRecordCommand({
            StreamName: this.streamName,
            Data: Buffer.from(JSON.stringify(event)),
            PartitionKey: barrierId,
            ExplicitHashKey: s.HashKeyRange?.StartingHashKey,
          }),
        );
      }),
    );
    return open.map((s) => s.ShardId ?? "");
  }
}
