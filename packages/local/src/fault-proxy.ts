import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";

/**
 * A fault-injecting HTTP proxy in front of dynalite or kinesalite, for the fault harness and the
 * bench. It is a stand-in for AWS misbehaving, and says so: every answer it made up carries
 * `x-hotseat-fault-proxy: 1`. An SDK client points its `endpoint` at `url`; the proxy reads the
 * operation from `X-Amz-Target`, asks the policy, then forwards, delays, fails, drops the
 * connection, or forwards only part of a batch and answers the rest as throttled, the way the real
 * service does (UnprocessedItems for DynamoDB, per-record ErrorCode for Kinesis).
 */

export type AwsService = "dynamodb" | "kinesis";
export interface ProxiedCall {
  service: AwsService;
  /** "BatchWriteItem", "Query", "PutRecords", ... */
  operation: string;
  // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON request of any AWS operation
  body: any;
  /** Date.now() at arrival. */
  receivedAt: number;
}
export type Verdict =
  | { kind: "pass" }
  | { kind: "delay"; ms: number }
  | { kind: "error"; status: number; type: string; message: string }
  | { kind: "partial"; keep: number[] }
  | { kind: "drop" };
export interface FaultPolicy {
  onRequest?(call: ProxiedCall): Verdict | undefined | Promise<Verdict | undefined>;
  /** May rewrite the emulator's JSON answer (e.g. hide index rows written < N ms ago). */
  // biome-ignore lint/suspicious/noExplicitAny: the emulator's JSON answer of any operation
  onResponse?(call: ProxiedCall, answer: any): any;
}
export interface FaultProxy {
  url: string;
  setPolicy(policy: FaultPolicy): void;
  counts(): Record<string, number>;
  stop(): Promise<void>;
}

const MADE_UP = { "x-hotseat-fault-proxy": "1" };
const contentType = (service: AwsService) =>
  service === "dynamodb" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
const errorPrefix = (service: AwsService) => (service === "dynamodb" ? "com.amazonaws.dynamodb.v20120810#" : "");

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

function forward(target: URL, req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
  const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
  return new Promise((resolve, reject) => {
    const up = http.request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (res) => {
        readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      },
    );
    up.on("error", reject);
    up.end(body);
  });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of any operation
function decodeJson(up: Upstream): any {
  const raw = up.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(up.body) : up.body;
  return JSON.parse(raw.toString("utf8"));
}

type WriteRequest = { table: string; request: unknown };
// biome-ignore lint/suspicious/noExplicitAny: BatchWriteItem's RequestItems
function flattenBatchWrite(body: any): WriteRequest[] {
  const out: WriteRequest[] = [];
  for (const [table, requests] of Object.entries(body?.RequestItems ?? {}))
    for (const request of requests as unknown[]) out.push({ table, request });
  return out;
}
function groupByTable(items: WriteRequest[]) {
  const out: Record<string, unknown[]> = {};
  for (const i of items) {
    const list = out[i.table] ?? [];
    list.push(i.request);
    out[i.table] = list;
  }
  return out;
}

export async function startFaultProxy(o: {
  target: string;
  service: AwsService;
  port?: number;
  policy?: FaultPolicy;
  log?: (line: string) => void;
}): Promise<FaultProxy> {
  const target = new URL(o.target);
  let policy: FaultPolicy = o.policy ?? {};
  const counts: Record<string, number> = {};
  const count = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const log = o.log ?? (() => {});

  const send = (res: http.ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
    res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  };
  const sendJson = (res: http.ServerResponse, status: number, json: unknown, madeUp: boolean) =>
    send(res, status, { "content-type": contentType(o.service), ...(madeUp ? MADE_UP : {}) }, JSON.stringify(json));
  const relay = (res: http.ServerResponse, up: Upstream) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(up.headers))
      if (v !== undefined && k !== "content-length" && k !== "transfer-encoding" && k !== "connection")
        headers[k] = Array.isArray(v) ? v.join(", ") : v;
    send(res, up.status, headers, up.body);
  };

  const partial = async (req: http.IncomingMessage, res: http.ServerResponse, call: ProxiedCall, keep: number[]) => {
    const kept = new Set(keep);
    if (call.service === "dynamodb" && call.operation === "BatchWriteItem") {
      const all = flattenBatchWrite(call.body);
      const forwarded = all.filter((_, i) => kept.has(i));
      const refused = all.filter((_, i) => !kept.has(i));
      // biome-ignore lint/suspicious/noExplicitAny: BatchWriteItem's answer
      let answer: any = { UnprocessedItems: {} };
      if (forwarded.length > 0) {
        const up = await forward(
          target,
          req,
          Buffer.from(JSON.stringify({ ...call.body, RequestItems: groupByTable(forwarded) })),
        );
        if (up.status !== 200) return relay(res, up);
        answer = decodeJson(up);
      }
      const unprocessed: Record<string, unknown[]> = { ...(answer.UnprocessedItems ?? {}) };
      for (const [table, requests] of Object.entries(groupByTable(refused)))
        unprocessed[table] = [...(unprocessed[table] ?? []), ...requests];
      return sendJson(res, 200, { ...answer, UnprocessedItems: unprocessed }, true);
    }
    if (call.service === "kinesis" && call.operation === "PutRecords") {
      const records: unknown[] = call.body?.Records ?? [];
      const forwardIdx = records.map((_, i) => i).filter((i) => kept.has(i));
      // biome-ignore lint/suspicious/noExplicitAny: PutRecords' per-record results
      let results: any[] = [];
      if (forwardIdx.length > 0) {
        const up = await forward(
          target,
          req,
          Buffer.from(JSON.stringify({ ...call.body, Records: forwardIdx.map((i) => records[i]) })),
        );
        if (up.status !== 200) return relay(res, up);
        results = decodeJson(up).Records ?? [];
      }
      const byIndex = new Map(forwardIdx.map((i, n) => [i, results[n]]));
      const out = records.map(
        (_, i) =>
          byIndex.get(i) ?? {
            ErrorCode: "ProvisionedThroughputExceededException",
            ErrorMessage: "Rate exceeded for shard (simulated by the fault proxy)",
          },
      );
      const failed = out.filter((r) => r.ErrorCode).length;
      return sendJson(res, 200, { FailedRecordCount: failed, Records: out }, true);
    }
    throw new Error(`a partial verdict applies to BatchWriteItem and PutRecords only, not ${call.operation}`);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const receivedAt = Date.now();
    const raw = await readAll(req);
    const targetHeader = String(req.headers["x-amz-target"] ?? "");
    const operation = targetHeader.split(".").pop() || "unknown";
    let body: unknown = null;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : null;
    } catch {
      body = null;
    }
    const call: ProxiedCall = { service: o.service, operation, body, receivedAt };
    const current = policy;
    const verdict: Verdict = (await current.onRequest?.(call)) ?? { kind: "pass" };
    const name = `${o.service}.${operation}`;
    count(`${name}.${verdict.kind}`);
    if (verdict.kind !== "pass") log(`fault-proxy: ${name} ${verdict.kind}`);

    switch (verdict.kind) {
      case "drop":
        req.socket.destroy();
        return;
      case "error":
        return sendJson(
          res,
          verdict.status,
          {
            __type: verdict.type.includes("#") ? verdict.type : `${errorPrefix(o.service)}${verdict.type}`,
            message: `${verdict.message} (simulated by the fault proxy)`,
          },
          true,
        );
      case "partial":
        return partial(req, res, call, verdict.keep);
      case "delay":
        await new Promise((r) => setTimeout(r, verdict.ms));
        break;
    }

    const up = await forward(target, req, raw);
    if (!current.onResponse || up.status !== 200) return relay(res, up);
    const answer = decodeJson(up);
    const before = JSON.stringify(answer);
    const rewritten = current.onResponse(call, answer) ?? answer;
    const after = JSON.stringify(rewritten);
    if (after === before) return relay(res, up);
    count(`${name}.rewritten`);
    return sendJson(res, 200, rewritten, true);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      log(`fault-proxy: ${e.message}`);
      if (!res.headersSent)
        sendJson(res, 500, { __type: `${errorPrefix(o.service)}InternalFailure`, message: e.message }, true);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setPolicy(p) {
      policy = p;
    },
    counts: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
