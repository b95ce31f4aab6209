import http from "node:http";
import autocannon from "autocannon";

/** Every response of a phase: when it completed (ms after the phase started), its latency and status. */
export class Recording {
  readonly startEpochMs: number;
  private readonly startedAt: number;
  private n = 0;
  times = new Float64Array(1 << 16);
  latencies = new Float64Array(1 << 16);
  statuses = new Uint16Array(1 << 16);
  errors = 0;
  timeouts = 0;
  durationMs = 0;

  constructor() {
    this.startedAt = performance.now();
    this.startEpochMs = performance.timeOrigin + this.startedAt;
  }

  get count() {
    return this.n;
  }

  elapsed() {
    return performance.now() - this.startedAt;
  }

  record(status: number, latencyMs: number) {
    if (this.n === this.times.length) {
      const grow = <T extends Float64Array | Uint16Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.times = grow(this.times);
      this.latencies = grow(this.latencies);
      this.statuses = grow(this.statuses);
    }
    this.times[this.n] = this.elapsed();
    this.latencies[this.n] = latencyMs;
    this.statuses[this.n] = status;
    this.n++;
  }

  finish() {
    this.durationMs = this.elapsed();
    this.times = this.times.slice(0, this.n);
    this.latencies = this.latencies.slice(0, this.n);
    this.statuses = this.statuses.slice(0, this.n);
    return this;
  }

  statusCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.n; i++) {
      const k = String(this.statuses[i]);
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }
}

export interface ClosedLoopOptions {
  url: string;
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** `[<id>]` anywhere in the request (body or headers) becomes a fresh unique id per request. */
  body?: string;
  connections: number;
  maxDurationMs: number;
  /** Stop `afterMs` after the first response with this status (e.g. 409: sold out, then a little beyond). */
  stopAfterStatus?: { status: number; afterMs: number };
  /** Each request's Authorization header (the next signed-in buyer's), when the route needs one. */
  authorization?: () => string;
}

/**
 * Closed loop: `connections` clients, each sending its next request as soon as the previous
 * answered. All connect at once: the abrupt ramp from 0 to the target concurrency.
 */
export async function runClosedLoop(o: ClosedLoopOptions): Promise<Recording> {
  const rec = new Recording();
  const instance = autocannon({
    url: `${o.url}${o.path}`,
    method: o.method ?? "GET",
    connections: o.connections,
    duration: Math.ceil(o.maxDurationMs / 1000),
    headers: o.headers,
    body: o.body,
    idReplacement: Boolean(o.body?.includes("[<id>]") || JSON.stringify(o.headers ?? {}).includes("[<id>]")),
    requests: o.authorization
      ? [
          {
            setupRequest: (req: { headers?: Record<string, string> }) => {
              req.headers = { ...req.headers, authorization: (o.authorization as () => string)() };
              return req;
            },
          },
        ]
      : undefined,
    timeout: 30,
  });
  let stopTimer: NodeJS.Timeout | null = null;
  instance.on("response", (_client: unknown, status: number, _bytes: number, latencyMs: number) => {
    rec.record(status, latencyMs);
    if (o.stopAfterStatus && status === o.stopAfterStatus.status && !stopTimer)
      stopTimer = setTimeout(() => instance.stop(), o.stopAfterStatus.afterMs);
  });
  instance.on("reqError", () => {
    rec.errors++;
  });
  const result = await instance;
  if (stopTimer) clearTimeout(stopTimer);
  rec.timeouts = result.timeouts;
  return rec.finish();
}

export interface PacedOptions {
  url: string;
  path: string;
  method?: "GET" | "POST";
  /** Builds request `i`: headers and body. */
  request: (i: number) => { headers: Record<string, string>; body?: string };
  ratePerSec: number;
  durationMs: number;
  maxSockets: number;
}

/**
 * Open loop: requests leave on a fixed schedule whatever the server does, and each latency is
 * measured from the moment the request was due (so a stall shows as the wait it caused, not hidden
 * by fewer requests: no coordinated omission). autocannon's own rate limit sends each second's
 * quota in a burst, which would measure the peak again, hence this.
 */
export interface PacedRecording {
  rec: Recording;
  /** From when each request actually left (what the server and the network took). */
  sentLatencies: number[];
  /** How late the load generator sent each request (its own scheduling on a busy machine). */
  sendLags: number[];
}

export async function runPaced(o: PacedOptions): Promise<PacedRecording> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets });
  const rec = new Recording();
  const total = Math.max(1, Math.round((o.ratePerSec * o.durationMs) / 1000));
  const interval = 1000 / o.ratePerSec;
  let sent = 0;
  let done = 0;
  const sentLatencies: number[] = [];
  const sendLags: number[] = [];
  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (done === total) {
        clearInterval(timer);
        agent.destroy();
        resolve({ rec: rec.finish(), sentLatencies, sendLags });
      }
    };
    const send = (i: number) => {
      const dueAt = i * interval;
      const sentAt = rec.elapsed();
      sendLags.push(sentAt - dueAt);
      const { headers, body } = o.request(i);
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: o.path,
          method: o.method ?? "GET",
          agent,
          headers: body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            const now = rec.elapsed();
            rec.record(res.statusCode ?? 0, now - dueAt);
            if (res.statusCode === 201) sentLatencies.push(now - sentAt);
            done++;
            finishIfDone();
          });
        },
      );
      req.on("error", () => {
        rec.errors++;
        done++;
        finishIfDone();
      });
      req.end(body);
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(rec.elapsed() / interval) + 1);
      while (sent < due) send(sent++);
    }, 1);
  });
}

export interface EachOptions {
  url: string;
  /** How many requests are in flight at once (each sends the next as soon as it is answered). */
  concurrency: number;
  count: number;
  /** Request `i`: its path, headers and body. */
  request: (i: number) => { path: string; headers: Record<string, string>; body?: string };
}

/** Closed loop over a list of distinct POSTs (each to its own path, as a payment per order is). */
export async function runEach(o: EachOptions): Promise<Recording> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const rec = new Recording();
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { path, headers, body } = o.request(i);
      const started = rec.elapsed();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: "POST",
          agent,
          headers: body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            rec.record(res.statusCode ?? 0, rec.elapsed() - started);
            resolve();
          });
        },
      );
      req.on("error", () => {
        rec.errors++;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (next < o.count) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
  agent.destroy();
  return rec.finish();
}
