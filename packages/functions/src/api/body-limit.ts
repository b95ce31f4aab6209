import { HotSeatError } from "@hotseat/core/error";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * Refuses bodies over `maxBytes` with 413. Reads only the declared Content-Length when there is
 * one (Node's parser holds the body to it): touching the request's body stream makes
 * @hono/node-server build a full `Request` on every request, GETs included. Chunked bodies go
 * through Hono's own `bodyLimit`, which counts the bytes.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  // Thrown, so the answer comes from the app's one `onError` like every other refusal.
  const tooLarge = (): never => {
    throw new HotSeatError("payload_too_large", `request body over ${maxBytes} bytes`);
  };
  const counting = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(declared) > maxBytes ? tooLarge() : next();
    }
    return counting(c, next);
  };
}
