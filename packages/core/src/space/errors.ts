import { HotSeatError } from "../error/index.ts";

/** Replies a cluster gives while a slot moves or a node fails over: the command did not run, and will run shortly. */
export const REDIRECT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|LOADING|READONLY)\b/;

const transient = [
  REDIRECT,
  /^Connection is closed/,
  /max retries per request/i,
  /Failed to refresh slots cache/,
  /None of startup nodes is available/,
  /Too many Cluster redirections/,
  /Cluster isn't ready/,
  /Stream isn't writeable/,
];
const transientCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH"]);

/**
 * The space's failure as the buyer should see it: a node failing over or unreachable is a retryable 503
 * (`unavailable`, with Retry-After), not a bare 500. Null when the error is not the space's being away.
 */
export function spaceUnavailable(e: unknown): HotSeatError | null {
  if (!(e instanceof Error) || e instanceof HotSeatError) return null;
  const code = (e as { code?: string }).code;
  if (!transient.some((p) => p.test(e.message)) && !(code && transientCodes.has(code))) return null;
  return new HotSeatError("unavailable", "the space is failing over; retry in a moment with the same Idempotency-Key");
}
