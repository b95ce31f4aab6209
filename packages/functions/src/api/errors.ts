import { storeUnavailable } from "@hotseat/core/db";
import { type ErrorCode, HotSeatError } from "@hotseat/core/error";
import { log } from "@hotseat/core/log";
import { spaceUnavailable } from "@hotseat/core/space";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const statusOf: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  unauthorized: 401,
  invalid_code: 401,
  show_not_found: 404,
  order_not_found: 404,
  not_found: 404,
  payload_too_large: 413,
  sold_out: 409,
  insufficient_inventory: 409,
  not_on_sale: 409,
  limit_exceeded: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  payment_declined: 402,
  payment_rejected: 422,
  hold_expired: 409,
  not_payable: 409,
  not_cancellable: 409,
  not_refundable: 409,
  invalid_signature: 400,
  rehydrating: 503,
  unavailable: 503,
  internal: 500,
};

const codeOfStatus = (status: number): ErrorCode =>
  status === 401
    ? "unauthorized"
    : status === 404
      ? "not_found"
      : status === 413
        ? "payload_too_large"
        : "invalid_request";

/** The one place an error becomes a response: `{code, message, …details}` with its status. */
export function errorResponse(thrown: Error, c: Context) {
  // A failing-over space or a throttling table is a retryable 503, not a 500.
  const err = spaceUnavailable(thrown) ?? storeUnavailable(thrown) ?? thrown;
  if (err instanceof HotSeatError) {
    if (err.code === "rehydrating" || err.code === "unavailable") c.header("Retry-After", "1");
    if (err.code === "rate_limited") c.header("Retry-After", String(err.details.retryAfterSeconds ?? 1));
    return c.json({ code: err.code, message: err.message, ...err.details }, statusOf[err.code]);
  }
  if (err instanceof HTTPException) {
    if (err.res?.headers.get("content-type")?.includes("application/json")) return err.getResponse();
    const status = err.status as ContentfulStatusCode;
    if (status >= 500) return c.json({ code: "internal", message: "internal error" }, 500);
    return c.json({ code: codeOfStatus(status), message: err.message || "bad request" }, status);
  }
  log.error("api.unhandled", { correlationId: c.get("requestId"), error: String(err?.stack ?? err) });
  return c.json({ code: "internal", message: "internal error" }, 500);
}
