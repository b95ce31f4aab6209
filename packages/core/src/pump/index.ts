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
  /**
   * How long a record waits for company before its PutRecords goes out, when a call slot is free.
   * 0 (the default) sends at the end of the current event-loop turn, with whatever else that turn
   * published: a Lambda instance serves one request at a time, so waiting would only add latency.
   * Under load the in-flight cap batches anyway.
   */
  lingerMs?: number;
  /** Kinesis caps PutRecords at 500 records. */
  maxBatch?: number;
  /** Attempts per record, with backoff, before it is left to the sweeper. */
  maxAttempts?: number;
  /**
   * How long after it was handed in a record may still be sent, retries included: a call in flight
   * at that moment is aborted, and no attempt starts after it. `settledWithinMs` (this plus a
   * margin) is the rebuild's grace period, so no publish from before a freeze lands after the barrier.
   */
  budgetMs?: number;
  /**
   * PutRecords calls in flight at once. While they are, new records gather into the next batch
   * and go out the moment one returns: batches grow with the load instead of the call count.
   */
  maxInFlight?: number;
  /**
   * Orders packed into one Kinesis record (1 disables packing). A shard takes 1,000 records/s but
   * 1 MiB/s: packed, a shard carries tens of thousands of orders a second instead of a thousand.
   */
  maxOrdersPerRecord?: number;
}

interface Waiting {
  /** An order's JSON, packed with others into one `orders.accepted` record. */
  order?: { id: string; json: string };
  /** Any other event: a record of its own. */
  entry?: PutRecordsRequestEntry;
  bytes: number;
  attempts: number;
  /** Epoch ms after which it is not sent again (see `budgetMs`). */
  deadline: number;
  resolve: (published: boolean) => void;
}

/** Default of `PublisherOptions.budgetMs`. */
export const PUBLISH_BUDGET_MS = 6000;
/** What covers a call answered at its deadline and the clocks of two processes on one host. */
const SETTLE_MARGIN_MS = 500;

const MAX_PUT_RECORDS = 500;
const MAX_PUT_BYTES = 4 * 1024 * 1024;
/** Well under Kinesis's 1 MiB per record, so one record never hogs a shard's 1 MiB/s. */
const MAX_RECORD_BYTES = 256 * 1024;
const PACK_HEAD = '{"type":"orders.accepted","orders":[';
const PACK_TAIL = "]}";

/**
 * Gathers concurrent records into `PutRecords` calls, and concurrent orders into shared records.
 * `publish` resolves true once Kinesis holds the record, false when every attempt failed: the
 * order is then still pending in the space and the sweeper re-publishes it, so the caller may
 * acknowledge either way.
 */
export class PumpPublisher {
  private queue: Waiting[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private inFlight = new Set<Promise<void>>();
  /** Records waiting out a retry backoff (they hold no in-flight slot meanwhile). */
  private backingOff = new Set<Promise<void>>();
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly maxAttempts: number;
  private readonly maxInFlight: number;
  private readonly maxOrdersPerRecord: number;
  private readonly budgetMs: number;
  putCalls = 0;
  /** Kinesis records sent (a packed record counts once). */
  putRecords = 0;
  /** Orders sent, packed or not. */
  putOrders = 0;

  constructor(
    private readonly kinesis: KinesisClient,
    readonly streamName: string,
    options: PublisherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 0;
    this.maxBatch = Math.min(options.maxBatch ?? MAX_PUT_RECORDS, MAX_PUT_RECORDS);
    this.maxAttempts = options.maxAttempts ?? 4;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.maxOrdersPerRecord = Math.max(1, options.maxOrdersPerRecord ?? 100);
    this.budgetMs = Math.max(0, options.budgetMs ?? PUBLISH_BUDGET_MS);
  }

  /**
   * Every publish handed in before time T has been answered, and will never reach Kinesis, after
   * T + this: the one place the rebuild's grace period comes from.
   */
  get settledWithinMs(): number {
    return this.budgetMs + SETTLE_MARGIN_MS;
  }

  /** Publishes one event as a record of its own; the partition key spreads load across pump shards. */
  publish(event: PumpEvent, partitionKey: string): Promise<boolean> {
    const data = Buffer.from(JSON.stringify(event));
    return new Promise((resolve) => {
      const entry = { Data: data, PartitionKey: partitionKey };
      const deadline = Date.now() + this.budgetMs;
      this.enqueue({ entry, bytes: data.length + partitionKey.length, attempts: 0, deadline, resolve });
    });
  }

  /**
   * Orders published together share `orders.accepted` records, each keyed by the first order's
   * id, not the show id: keying by the show would rebuild the hot key one layer down. Order events
   * commute, so neither packing nor the shard they land on changes what the writer makes of them.
   */
  publishOrder(order: OrderRecord): Promise<boolean> {
    const json = JSON.stringify(order);
    return new Promise((resolve) => {
      const deadline = Date.now() + this.budgetMs;
      this.enqueue({ order: { id: order.id, json }, bytes: json.length + 1, attempts: 0, deadline, resolve });
    });
  }

  private enqueue(w: Waiting) {
    this.queue.push(w);
    this.queuedBytes += w.bytes;
    if (this.inFlight.size >= this.maxInFlight) return; // goes out when a call returns
    if (this.queue.length >= this.maxBatch * this.maxOrdersPerRecord || this.queuedBytes >= MAX_PUT_BYTES) this.flush();
    else if (!this.timer)
      this.timer = this.lingerMs > 0 ? setTimeout(() => this.flush(), this.lingerMs) : setImmediate(() => this.flush());
  }

  private flush() {
    if (this.timer) {
      if (this.lingerMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
      else clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) {
      const records = this.pack();
      const p: Promise<void> = this.put(records).finally(() => {
        this.inFlight.delete(p);
        // Whatever gathered meanwhile has waited long enough.
        if (this.queue.length > 0) this.flush();
      });
      this.inFlight.add(p);
    }
  }

  /** Takes from the queue what one PutRecords call carries: up to `maxBatch` records, orders packed. */
  private pack(): { entry: PutRecordsRequestEntry; waiting: Waiting[] }[] {
    const records: { entry: PutRecordsRequestEntry; waiting: Waiting[] }[] = [];
    let callBytes = 0;
    let orders: Waiting[] = [];
    let orderBytes = 0;
    const close = () => {
      if (orders.length === 0) return;
      const first = orders[0]?.order?.id ?? "";
      const data = Buffer.from(PACK_HEAD + orders.map((w) => w.order?.json).join(",") + PACK_TAIL);
      records.push({ entry: { Data: data, PartitionKey: first }, waiting: orders });
      callBytes += data.length + first.length;
      orders = [];
      orderBytes = 0;
    };
    let taken = 0;
    for (; taken < this.queue.length; taken++) {
      const w = this.queue[taken] as Waiting;
      if (w.order && orders.length > 0 && !this.fits(orders, orderBytes, w)) close();
      const open = orders.length > 0 ? 1 : 0;
      // Anything but an order joining the open pack needs a record slot of its own.
      if (!(w.order && open) && records.length + open >= this.maxBatch) break;
      if (callBytes + orderBytes + w.bytes + PACK_HEAD.length > MAX_PUT_BYTES && records.length + open > 0) break;
      this.queuedBytes -= w.bytes;
      if (w.order) {
        orders.push(w);
        orderBytes += w.bytes;
      } else if (w.entry) {
        records.push({ entry: w.entry, waiting: [w] });
        callBytes += w.bytes;
      }
    }
    close();
    this.queue.splice(0, taken);
    return records;
  }

  private fits(orders: Waiting[], orderBytes: number, w: Waiting) {
    return orders.length < this.maxOrdersPerRecord && orderBytes + w.bytes + PACK_HEAD.length < MAX_RECORD_BYTES;
  }

  private async put(all: { entry: PutRecordsRequestEntry; waiting: Waiting[] }[]) {
    // A record past its budget is never sent: it may be counted by a rebuild already.
    const now = Date.now();
    const records = all.filter((r) => {
      if (r.waiting.every((w) => w.deadline > now)) return true;
      for (const w of r.waiting) w.resolve(false);
      return false;
    });
    if (records.length === 0) return;
    const callDeadline = Math.min(...records.flatMap((r) => r.waiting.map((w) => w.deadline)));
    this.putCalls++;
    this.putRecords += records.length;
    for (const r of records) this.putOrders += r.waiting.filter((w) => w.order).length;
    let failed: Waiting[];
    try {
      // Aborted at the earliest deadline it carries, the SDK's own retries included.
      const out = await this.kinesis.send(
        new PutRecordsCommand({ StreamName: this.streamName, Records: records.map((r) => r.entry) }),
        { abortSignal: AbortSignal.timeout(Math.max(1, callDeadline - now)) },
      );
      failed = [];
      out.Records?.forEach((r, i) => {
        const waiting = records[i]?.waiting ?? [];
        if (r.ErrorCode) failed.push(...waiting);
        else for (const w of waiting) w.resolve(true);
      });
      // An answer shorter than the request leaves the rest unconfirmed: try them again.
      for (const r of records.slice(out.Records?.length ?? 0)) failed.push(...r.waiting);
    } catch {
      failed = records.flatMap((r) => r.waiting);
    }
    const retry: Waiting[] = [];
    const attempt = (failed[0]?.attempts ?? 0) + 1;
    const delay = Math.min(50 * 2 ** attempt, 800) * (0.5 + Math.random());
    for (const w of failed) {
      w.attempts++;
      if (w.attempts >= this.maxAttempts || Date.now() + delay >= w.deadline) w.resolve(false);
      else retry.push(w);
    }
    if (retry.length > 0) {
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
  async sendBarrier(barrierId: string, showId?: string): Promise<string[]> {
    const shards = await this.kinesis.send(new ListShardsCommand({ StreamName: this.streamName }));
    const open = (shards.Shards ?? []).filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
    await Promise.all(
      open.map((s) => {
        const event: PumpEvent = {
          type: "space.barrier",
          barrierId,
          pumpShardId: s.ShardId ?? "",
          ...(showId ? { showId } : {}),
        };
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
