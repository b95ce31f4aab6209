import { isApiError, isTransient } from "../../../lib/api-client.ts";

export type CheckoutProblem =
  /** The card was refused; the hold stays, so another card (or the same, later) may pay. */
  | { kind: "declined"; message: string }
  /** The deadline passed: the tickets are back on sale. */
  | { kind: "hold_expired" }
  /** The order is no longer held (paid or released elsewhere): read it again. */
  | { kind: "changed" }
  /** The request did not reach the box office, or it failed there: asking again is safe. */
  | { kind: "trouble"; message: string }
  | { kind: "refused"; message: string };

export function checkoutProblem(error: unknown): CheckoutProblem {
  if (!isApiError(error)) return { kind: "trouble", message: "Something unexpected happened." };
  if (isTransient(error)) {
    return {
      kind: "trouble",
      message:
        error.code === "network_error"
          ? "We couldn't reach the box office, so we don't know whether that went through."
          : "The box office had a problem with that.",
    };
  }
  switch (error.code) {
    case "payment_declined":
      return { kind: "declined", message: error.message };
    case "hold_expired":
      return { kind: "hold_expired" };
    case "not_payable":
    case "not_cancellable":
      return { kind: "changed" };
    default:
      return { kind: "refused", message: error.message };
  }
}
