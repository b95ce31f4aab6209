import { HotSeatError } from "../error/index.ts";

/** What DynamoDB answers when it is throttling or briefly failing: the request did not take, and may be retried. */
const RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
]);

/**
 * DynamoDB's throttling or outage as the caller should see it: a retryable 503 (`unavailable`, with Retry-After), not a
 * bare 500. ElectroDB wraps the SDK's error, so the chain of causes is walked. Null when it is not the table's being away.
 */
export function storeUnavailable(e: unknown): HotSeatError | null {
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
    if (cur instanceof HotSeatError) return null;
    const status = (cur as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
    if (RETRYABLE.has(cur.name) || status >= 500)
      return new HotSeatError("unavailable", "the order book is busy; retry in a moment");
  }
  return null;
}

/**
 * DynamoDB refusing a write's condition (ElectroDB wraps the SDK's error, so the chain of causes is
 * walked): what a max-register already as high, or a patch of an item that is gone, answers.
 */
export function isConditionFailure(e: unknown): boolean {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    if ((cur as { name?: string }).name === "ConditionalCheckFailedException") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return String((e as Error)?.message ?? "").includes("conditional request failed");
}
