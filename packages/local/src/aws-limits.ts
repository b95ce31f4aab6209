import { createHash } from "node:crypto";
import { tableKeys } from "@hotseat/core/db";
import type { FaultPolicy, ProxiedCall, Verdict } from "./fault-proxy.ts";

/**
 * A SIMULATION of AWS's per-partition and per-shard throughput limits, as fault-proxy policies in
 * front of dynalite and kinesalite (which never throttle). It is a stand-in for what cannot run
 * here, and an approximation: token buckets holding one second of capacity, refilled continuously.
 *
 * DynamoDB (on demand, or provisioned high enough that the table is not the limit): one partition
 * key takes at most 1,000 WCU/s and 3,000 RCU/s. A write costs 1 WCU per started KB of the item,
 * charged to the base table's partition and to the partition of every global index whose key the
 * item carries (an index that cannot keep up throttles the table's writes). A refused single write
 * is a 400 `ProvisionedThroughputExceededException` (the SDK retries it with backoff); a refused
 * item of a `BatchWriteItem` comes back in `UnprocessedItems`. Not modelled: adaptive capacity's
 * split for heat (no help to a time-ordered sort key anyway), the table's own quotas, the size of
 * the item an `UpdateItem` rewrites (charged 1 WCU) and its index writes.
 *
 * Kinesis: one shard takes 1,000 records/s and 1 MiB/s; a record's shard is the MD5 of its
 * partition key (or its ExplicitHashKey) in evenly split hash ranges, as the stream is created.
 * A refused record of `PutRecords` carries `ErrorCode: ProvisionedThroughputExceededException`
 * and counts in `FailedRecordCount`; a refused `PutRecord` is a 400 of that name. Reads are not limited.
 */

export const DYNAMODB_PARTITION_WCU = 1000;
export const DYNAMODB_PARTITION_RCU = 3000;
export const KINESIS_SHARD_RECORDS = 1000;
export const KINESIS_SHARD_BYTES = 1024 * 1024;

/** Token buckets by key, each holding at most one second of its rate. */
export class Buckets {
  private readonly state = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  private refill(key: string) {
    const t = this.now();
    const s = this.state.get(key) ?? { tokens: this.ratePerSecond, at: t };
    s.tokens = Math.min(this.ratePerSecond, s.tokens + ((t - s.at) / 1000) * this.ratePerSecond);
    s.at = t;
    this.state.set(key, s);
    return s;
  }

  /** Takes `amount` from every key's bucket if each has it; else takes nothing. */
  take(keys: string[], amount: number | number[]): boolean {
    const states = keys.map((k) => this.refill(k));
    const cost = (i: number) => (Array.isArray(amount) ? (amount[i] ?? 0) : amount);
    if (states.some((s, i) => s.tokens < cost(i))) return false;
    states.forEach((s, i) => {
      s.tokens -= cost(i);
    });
    return true;
  }

  /** Charges after the fact (a read whose size is known from its answer): the bucket may go into debt. */
  charge(key: string, amount: number) {
    this.refill(key).tokens -= amount;
  }
}

export interface LimitCounts {
  passed: number;
  throttled: number;
}

// biome-ignore lint/suspicious/noExplicitAny: DynamoDB's JSON AttributeValue
type AttributeValue = any;

/** DynamoDB's item size: attribute names plus values (strings and binaries by byte length). */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let n = 0;
  for (const [name, value] of Object.entries(item ?? {})) n += Buffer.byteLength(name) + valueBytes(value);
  return n;
}
function valueBytes(v: AttributeValue): number {
  if (v === null || typeof v !== "object") return 1;
  if ("S" in v) return Buffer.byteLength(String(v.S));
  if ("N" in v) return Math.ceil(String(v.N).replace(/^-|^0+|\.|e.*$/gi, "").length / 2) + 1;
  if ("B" in v) return Math.ceil((String(v.B).length * 3) / 4);
  if ("BOOL" in v || "NULL" in v) return 1;
  if ("SS" in v) return (v.SS as string[]).reduce((s, x) => s + Buffer.byteLength(x), 0);
  if ("NS" in v) return (v.NS as string[]).reduce((s, x) => s + x.length, 0);
  if ("L" in v) return 3 + (v.L as AttributeValue[]).reduce((s, x) => s + 1 + valueBytes(x), 0);
  if ("M" in v) return 3 + itemBytes(v.M) + Object.keys(v.M).length;
  return 1;
}

const keyString = (v: AttributeValue) => (v && typeof v === "object" ? String(v.S ?? v.N ?? v.B ?? "") : String(v));

export interface DynamoLimitOptions {
  wcuPerPartition?: number;
  rcuPerPartition?: number;
  /** The base table's hash key and the global indexes' (default: the HotSeat table's, from the model). */
  hashKey?: string;
  indexHashKeys?: string[];
  now?: () => number;
}

/** DynamoDB's per-partition limits as a fault-proxy policy (a simulation; see the top of this file). */
export function dynamoDbLimits(o: DynamoLimitOptions = {}): FaultPolicy & { counts: LimitCounts } {
  const keys = tableKeys();
  const hashKey = o.hashKey ?? keys.hashKey;
  const indexHashKeys = o.indexHashKeys ?? keys.globalIndexes.map((g) => g.hashKey);
  const writes = new Buckets(o.wcuPerPartition ?? DYNAMODB_PARTITION_WCU, o.now);
  const reads = new Buckets(o.rcuPerPartition ?? DYNAMODB_PARTITION_RCU, o.now);
  const counts: LimitCounts = { passed: 0, throttled: 0 };

  /** The partitions a put of `item` writes, and the WCUs each costs. */
  const putPartitions = (table: string, item: Record<string, AttributeValue>) => {
    const wcu = Math.max(1, Math.ceil(itemBytes(item) / 1024));
    const parts = [`${table}|${keyString(item[hashKey])}`];
    for (const k of indexHashKeys) if (item[k] !== undefined) parts.push(`${table}|${k}|${keyString(item[k])}`);
    return { parts, wcu };
  };
  const refused = (): Verdict => {
    counts.throttled++;
    return {
      kind: "error",
      status: 400,
      type: "ProvisionedThroughputExceededException",
      message:
        "The level of configured provisioned throughput for the table was exceeded (simulated per-partition limit)",
    };
  };
  const writeOne = (table: string, item: Record<string, AttributeValue>) => {
    const { parts, wcu } = putPartitions(table, item);
    return writes.take(parts, wcu);
  };

  return {
    counts,
    onRequest(call: ProxiedCall): Verdict | undefined {
      const b = call.body ?? {};
      switch (call.operation) {
        case "PutItem":
          return writeOne(b.TableName, b.Item) ? pass(counts) : refused();
        case "UpdateItem":
        case "DeleteItem":
          return writes.take([`${b.TableName}|${keyString(b.Key?.[hashKey])}`], 1) ? pass(counts) : refused();
        case "TransactWriteItems": {
          // Two WCUs per started KB per item (a transaction reads and writes), all or none.
          const charges = (b.TransactItems ?? []).flatMap((t: AttributeValue) => {
            const op = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck;
            if (!op) return [];
            const { parts, wcu } = putPartitions(op.TableName, t.Put ? t.Put.Item : op.Key);
            return parts.map((part) => ({ part, wcu: 2 * wcu }));
          }) as { part: string; wcu: number }[];
          const ok = writes.take(
            charges.map((c) => c.part),
            charges.map((c) => c.wcu),
          );
          return ok ? pass(counts) : refused();
        }
        case "BatchWriteItem": {
          const keep: number[] = [];
          let i = 0;
          for (const [table, requests] of Object.entries(b.RequestItems ?? {}))
            for (const r of requests as AttributeValue[]) {
              const item = r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {};
              if (writeOne(table, item)) keep.push(i);
              i++;
            }
          if (keep.length === i) return pass(counts);
          counts.throttled += i - keep.length;
          counts.passed += keep.length;
          return { kind: "partial", keep };
        }
        case "GetItem":
          return reads.take([`${b.TableName}|${keyString(b.Key?.[hashKey])}`], b.ConsistentRead ? 1 : 0.5)
            ? pass(counts)
            : refused();
        case "Query": {
          const first = Object.values(b.ExpressionAttributeValues ?? {})[0];
          return reads.take([`${b.TableName}|${b.IndexName ?? ""}|q|${keyString(first)}`], 0.5)
            ? pass(counts)
            : refused();
        }
        default:
          return undefined;
      }
    },
    onResponse(call: ProxiedCall, answer: AttributeValue) {
      // A query's cost is its answer's size (4 KB per RCU, half for an eventually consistent read).
      if (call.operation === "Query" && Array.isArray(answer?.Items)) {
        const bytes = (answer.Items as Record<string, AttributeValue>[]).reduce((s, it) => s + itemBytes(it), 0);
        const first = Object.values(call.body?.ExpressionAttributeValues ?? {})[0];
        const rcu = (Math.ceil(bytes / 4096) * (call.body?.ConsistentRead ? 1 : 0.5)) as number;
        reads.charge(`${call.body?.TableName}|${call.body?.IndexName ?? ""}|q|${keyString(first)}`, rcu);
      }
      return answer;
    },
  };
}

function pass(counts: LimitCounts): Verdict {
  counts.passed++;
  return { kind: "pass" };
}

const HASH_SPACE = 2n ** 128n;

/** The shard (0-based, of `shards` evenly split hash ranges) a record with this key lands on. */
export function shardOf(partitionKey: string, shards: number, explicitHashKey?: string): number {
  const hash = explicitHashKey
    ? BigInt(explicitHashKey)
    : BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);
  return Number((hash * BigInt(shards)) / HASH_SPACE);
}

export interface KinesisLimitOptions {
  /** Shards of every stream (evenly split, as CreateStream makes them). */
  shards: number;
  recordsPerShard?: number;
  bytesPerShard?: number;
  now?: () => number;
}

/** Kinesis's per-shard write limits as a fault-proxy policy (a simulation; see the top of this file). */
export function kinesisLimits(o: KinesisLimitOptions): FaultPolicy & { counts: LimitCounts } {
  const records = new Buckets(o.recordsPerShard ?? KINESIS_SHARD_RECORDS, o.now);
  const bytes = new Buckets(o.bytesPerShard ?? KINESIS_SHARD_BYTES, o.now);
  const counts: LimitCounts = { passed: 0, throttled: 0 };
  const fits = (stream: string, r: AttributeValue) => {
    const shard = `${stream}|${shardOf(String(r.PartitionKey), o.shards, r.ExplicitHashKey)}`;
    const size = Math.ceil((String(r.Data ?? "").length * 3) / 4) + Buffer.byteLength(String(r.PartitionKey));
    // Both limits or neither: a record refused for bytes must not use up a record slot.
    if (!records.take([shard], 1)) return false;
    if (bytes.take([shard], size)) return true;
    records.charge(shard, -1);
    return false;
  };
  return {
    counts,
    onRequest(call: ProxiedCall): Verdict | undefined {
      const b = call.body ?? {};
      const stream = String(b.StreamName ?? b.StreamARN ?? "");
      if (call.operation === "PutRecord") {
        if (fits(stream, b)) return pass(counts);
        counts.throttled++;
        return {
          kind: "error",
          status: 400,
          type: "ProvisionedThroughputExceededException",
          message: "Rate exceeded for shard (simulated per-shard limit)",
        };
      }
      if (call.operation === "PutRecords") {
        const all: AttributeValue[] = b.Records ?? [];
        const keep = all.flatMap((r, i) => (fits(stream, r) ? [i] : []));
        counts.passed += keep.length;
        counts.throttled += all.length - keep.length;
        return keep.length === all.length ? { kind: "pass" } : { kind: "partial", keep };
      }
      return undefined;
    },
  };
}
