import { type ChildProcess, execFile, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { root } from "./harness";

const run = promisify(execFile);

export type Bundles = Record<"api" | "writer" | "sweeper", { file: string; bytes: number }>;

/** Builds the handler bundles with the project's script (as CI does), into `outdir`. */
export async function bundleFunctions(outdir: string): Promise<Bundles> {
  const { stdout } = await run(
    process.execPath,
    [path.join(root, "scripts/bundle-functions.mjs"), "--outdir", outdir, "--json"],
    {
      cwd: root,
      timeout: 120_000,
    },
  );
  return JSON.parse(stdout);
}

export interface LambdaInstance {
  invoke<T = unknown>(event: unknown): Promise<T>;
  /** The lines the instance wrote to stdout so far (what Lambda sends to CloudWatch Logs: EMF metrics among them). */
  stdout(): string[];
  stop(): void;
}

/** One Lambda instance of a bundle: its own process and environment, invoked event by event. */
export function startLambda(bundle: string, env: Record<string, string>): LambdaInstance {
  const child: ChildProcess = fork(path.join(root, "infra/test/invoke-bundle.mjs"), [bundle], {
    cwd: root,
    // Only what Lambda would give it plus the function's own configuration: nothing inherited from the test.
    env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let out = "";
  child.stdout?.on("data", (chunk) => {
    out += chunk;
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on("message", (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(m.error));
  });
  child.on("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`lambda process exited with ${code}`));
    waiting.clear();
  });
  return {
    invoke<T>(event: unknown) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, event });
      });
    },
    stdout: () => out.split("\n").filter(Boolean),
    stop() {
      if (child.connected) child.disconnect();
    },
  };
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/** An API Gateway HTTP API (payload format 2.0) event, as the `$default` route delivers it. */
export function httpApiEvent(
  method: string,
  rawPath: string,
  options: { headers?: Record<string, string>; body?: unknown; query?: string } = {},
) {
  const now = new Date();
  const headers: Record<string, string> = {
    accept: "application/json",
    host: "abc123.execute-api.us-east-1.amazonaws.com",
    "user-agent": "hotseat-bundle-test",
    "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll("-", "").slice(0, 24)}`,
    "x-forwarded-for": "203.0.113.7",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
    ...options.headers,
  };
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: options.query ?? "",
    headers,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "hotseat-bundle-test" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export interface PumpRecord {
  shardId: string;
  SequenceNumber: string;
  PartitionKey: string;
  Data: string;
  ApproximateArrivalTimestamp: number;
}

/** Kinesis's JSON protocol, spoken to the local emulator directly (it checks no signature). */
async function kinesisCall<T>(endpoint: string, action: string, body: unknown): Promise<T> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `Kinesis_20131202.${action}`,
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0",
      "x-amz-date": "20260101T000000Z",
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every record now in the stream, from the start of each shard. */
export async function readPump(endpoint: string, streamName: string): Promise<PumpRecord[]> {
  const { Shards } = await kinesisCall<{ Shards: { ShardId: string }[] }>(endpoint, "ListShards", {
    StreamName: streamName,
  });
  const records: PumpRecord[] = [];
  for (const { ShardId } of Shards) {
    let { ShardIterator: iterator } = await kinesisCall<{ ShardIterator: string }>(endpoint, "GetShardIterator", {
      StreamName: streamName,
      ShardId,
      ShardIteratorType: "TRIM_HORIZON",
    });
    for (;;) {
      const page = await kinesisCall<{
        Records: Omit<PumpRecord, "shardId">[];
        NextShardIterator: string;
        MillisBehindLatest: number;
      }>(endpoint, "GetRecords", { ShardIterator: iterator, Limit: 1000 });
      records.push(...page.Records.map((r) => ({ ...r, shardId: ShardId })));
      if (page.Records.length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

/** The event Lambda's Kinesis event source mapping delivers for these records. */
export function kinesisEvent(streamName: string, records: PumpRecord[]) {
  return {
    Records: records.map((r) => ({
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: r.PartitionKey,
        sequenceNumber: r.SequenceNumber,
        data: r.Data,
        approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `${r.shardId}:${r.SequenceNumber}`,
      eventName: "aws:kinesis:record",
      invokeIdentityArn: "arn:aws:iam::123456789012:role/hotseat-test-PumpSubscriberWriterFunctionRole",
      awsRegion: "us-east-1",
      eventSourceARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${streamName}`,
    })),
  };
}
