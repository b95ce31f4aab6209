import { describeIssues, type ParseIssues } from "../util/issues.ts";

/** Every failure a caller can act on carries one of these stable codes; the API maps each to a status once. */
export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "invalid_code"
  | "show_not_found"
  | "order_not_found"
  | "sold_out"
  | "insufficient_inventory"
  | "not_on_sale"
  | "limit_exceeded"
  | "idempotency_key_reused"
  | "rate_limited"
  | "payment_declined"
  | "payment_rejected"
  | "hold_expired"
  | "not_payable"
  | "not_cancellable"
  | "not_refundable"
  | "invalid_signature"
  | "rehydrating"
  | "unavailable"
  | "not_found"
  | "payload_too_large"
  | "internal";

/**
 * Codes that refuse a request as designed (the API answers them 4xx): no stack trace is captured
 * for them. On a sold-out show every buyer gets one, and the trace cost more than the rest of the
 * refusal; nobody reads it. The others (rehydrating, unavailable, internal) keep theirs.
 */
const refusals: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "invalid_request",
  "unauthorized",
  "invalid_code",
  "show_not_found",
  "order_not_found",
  "sold_out",
  "insufficient_inventory",
  "not_on_sale",
  "limit_exceeded",
  "idempotency_key_reused",
  "rate_limited",
  "payment_declined",
  "payment_rejected",
  "hold_expired",
  "not_payable",
  "not_cancellable",
  "not_refundable",
  "invalid_signature",
  "not_found",
  "payload_too_large",
]);

export class HotSeatError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    if (refusals.has(code)) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        super(message);
      } finally {
        Error.stackTraceLimit = limit;
      }
    } else {
      super(message);
    }
    this.name = "HotSeatError";
    this.code = code;
    this.details = details;
  }
}

export const isHotSeatError = (e: unknown): e is HotSeatError => e instanceof HotSeatError;

/** A failed parse of a client's input: `invalid_request`, naming the first issue and where it is. */
export const invalidRequest = (error: ParseIssues): HotSeatError =>
  new HotSeatError("invalid_request", describeIssues(error) || "invalid request");
