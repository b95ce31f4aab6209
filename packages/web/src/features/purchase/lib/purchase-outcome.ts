import { type ApiError, isApiError, isTransient } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";

export type PurchaseOutcome =
  | { kind: "idle" }
  | { kind: "in_progress"; retrying: boolean }
  | { kind: "success"; order: Order }
  | { kind: "sold_out" }
  | { kind: "insufficient"; remaining: number; requested: number }
  | { kind: "limit_reached"; remaining: number }
  | { kind: "not_on_sale" }
  /** The outcome is unknown or the server was busy: retrying with the same key is safe and may succeed. */
  | { kind: "trouble"; message: string; requested: number }
  /** Signed out, or the token was refused: nothing was taken; sign in, then buy `requested`. */
  | { kind: "sign_in_needed"; requested: number }
  /** The request itself was refused; a fresh attempt is needed. */
  | { kind: "rejected"; message: string };

type MutationView = {
  status: "idle" | "pending" | "success" | "error";
  data: Order | undefined;
  error: unknown;
  failureCount: number;
  requested: number;
};

export function purchaseOutcome(m: MutationView): PurchaseOutcome {
  switch (m.status) {
    case "idle":
      return { kind: "idle" };
    case "pending":
      return { kind: "in_progress", retrying: m.failureCount > 0 };
    case "success":
      return m.data ? { kind: "success", order: m.data } : { kind: "idle" };
    case "error":
      return errorOutcome(m.error, m.requested);
  }
}

/** Whether a failed attempt should keep its Idempotency-Key for the next try. */
export const keepsAttempt = (error: unknown) => isTransient(error);

function errorOutcome(error: unknown, requested: number): PurchaseOutcome {
  if (!isApiError(error)) return { kind: "trouble", message: "Something unexpected happened.", requested };
  if (isTransient(error)) return { kind: "trouble", message: troubleMessage(error), requested };
  if (error.status === 401) return { kind: "sign_in_needed", requested };
  switch (error.code) {
    case "sold_out":
      return { kind: "sold_out" };
    case "insufficient_inventory": {
      const remaining = error.numberField("remaining") ?? 0;
      return remaining > 0 ? { kind: "insufficient", remaining, requested } : { kind: "sold_out" };
    }
    case "limit_exceeded":
      return { kind: "limit_reached", remaining: Math.max(0, error.numberField("remaining") ?? 0) };
    case "not_on_sale":
      return { kind: "not_on_sale" };
    default:
      return { kind: "rejected", message: error.message };
  }
}

function troubleMessage(error: ApiError): string {
  switch (error.code) {
    case "network_error":
      return "We couldn't reach the box office, so we don't know yet whether your tickets were reserved.";
    case "rehydrating":
    case "rate_limited":
    case "unavailable":
      return "The box office is very busy right now and couldn't take your order.";
    default:
      return "The box office had a problem and we couldn't confirm your order.";
  }
}
