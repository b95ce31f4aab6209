/**
 * The purchase attempt still waiting for a definite answer, kept in sessionStorage per show, so a
 * reload (or a crashed tab restored) resumes it with the same Idempotency-Key: the server then
 * hands back the order it made, or makes it once, and never sells twice.
 */
export type Attempt = { key: string; customerId: string; quantity: number };

const storageKey = (showId: string) => `hotseat.purchase.${showId}`;

export function loadAttempt(showId: string, customerId: string): Attempt | null {
  try {
    const raw = sessionStorage.getItem(storageKey(showId));
    if (!raw) return null;
    const a = JSON.parse(raw) as Partial<Attempt>;
    const valid =
      typeof a.key === "string" &&
      a.customerId === customerId &&
      typeof a.quantity === "number" &&
      Number.isInteger(a.quantity) &&
      a.quantity > 0;
    return valid ? (a as Attempt) : null;
  } catch {
    return null; // storage blocked or unreadable: nothing to resume
  }
}

export function saveAttempt(showId: string, attempt: Attempt | null) {
  try {
    if (attempt) sessionStorage.setItem(storageKey(showId), JSON.stringify(attempt));
    else sessionStorage.removeItem(storageKey(showId));
  } catch {
    // storage blocked: the attempt still lives in memory for this page
  }
}
