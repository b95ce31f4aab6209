import { HotSeatError } from "@hotseat/core/error";
import type { Context, MiddlewareHandler } from "hono";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimit {
  /** Purchase attempts a client may make per window; 0 turns the limit off. */
  points: number;
  windowSeconds: number;
}

/** The caller's address: the first X-Forwarded-For hop (API Gateway, CDN), else the socket's peer. */
export function clientAddress(c: Context): string {
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        event?: { requestContext?: { http?: { sourceIp?: string } } };
      }
    | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.event?.requestContext?.http?.sourceIp ?? "unknown";
}

/**
 * Per-client limit on purchase attempts, kept in each process's memory: it costs no Redis
 * round trip on the hot path; API Gateway's own throttling bounds the total in front of it.
 */
export function rateLimit(limit: RateLimit): MiddlewareHandler {
  const limiter = new RateLimiterMemory({ points: limit.points, duration: limit.windowSeconds });
  return async (c, next) => {
    if (limit.points <= 0) return next();
    try {
      await limiter.consume(clientAddress(c));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new HotSeatError("rate_limited", `too many purchase attempts; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    await next();
  };
}
