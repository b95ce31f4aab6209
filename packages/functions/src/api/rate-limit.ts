import { isIP } from "node:net";
import { HotSeatError } from "@hotseat/core/error";
import type { Context } from "hono";
import type { Cluster, Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimit {
  /** Attempts a key may make per window; 0 turns the limit off. */
  points: number;
  windowSeconds: number;
}

export interface AddressOptions {
  /**
   * Proxies of ours in front of the API that append the caller to X-Forwarded-For (CloudFront in
   * front of API Gateway is one). 0: the connection's peer is the caller, and X-Forwarded-For,
   * which any client can write, is ignored.
   */
  trustedProxyHops?: number;
}

type Env =
  | {
      incoming?: { socket?: { remoteAddress?: string } };
      event?: { requestContext?: { http?: { sourceIp?: string } } };
    }
  | undefined;

/**
 * The caller's address: the connection's peer (the socket locally, API Gateway's `sourceIp` on
 * AWS), or, behind `trustedProxyHops` proxies of ours, the hop the outermost of them recorded.
 * Always a parsed IP or "unknown", so a client cannot make a rate-limit key of arbitrary text.
 */
export function clientAddress(c: Context, options: AddressOptions = {}): string {
  const env = c.env as Env;
  const peer = env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "";
  const hops = options.trustedProxyHops ?? 0;
  let address = peer;
  if (hops > 0) {
    const chain = (c.req.header("x-forwarded-for") ?? "").split(",").map((h) => h.trim());
    address = chain[chain.length - hops] ?? "";
  }
  return isIP(address) ? address : isIP(peer) ? peer : "unknown";
}

/** Where counters live: Redis, shared by every API instance (on Lambda each serves one request at a time). */
export type LimitStore = Redis | Cluster | undefined;

/**
 * A named limit. With Redis its counters expire there, so memory stays bounded whatever clients
 * send, and every instance counts together; without it (unit tests) they live in this process.
 * A key over its limit is refused from memory until its window ends, sparing Redis the flood.
 */
export function limiter(store: LimitStore, name: string, limit: RateLimit): RateLimiterAbstract | null {
  if (limit.points <= 0) return null;
  const options = { keyPrefix: `rl:${name}`, points: limit.points, duration: limit.windowSeconds };
  return store
    ? new RateLimiterRedis({ ...options, storeClient: store, inMemoryBlockOnConsumed: limit.points })
    : new RateLimiterMemory(options);
}

/**
 * Spends one point of each limit on its key, in order, stopping at the first that is spent (429
 * `rate_limited` with Retry-After): an attempt one limit refuses costs the later ones nothing, so a
 * stranger refused for asking too often cannot use up the allowance behind it.
 */
export async function consume(what: string, checks: [RateLimiterAbstract | null, string][]): Promise<void> {
  try {
    for (const [l, key] of checks) await l?.consume(key);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw new HotSeatError("rate_limited", `too many ${what}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
