/** What the buyers were told: every answer the checks at the end hold against DynamoDB. */

export interface ShowUnderTest {
  id: string;
  capacity: number;
  maxPerCustomer: number;
  shards: number;
  priced: boolean;
  holdSeconds: number;
}

export interface Answer {
  status: number; // 0: no answer (connection refused or reset, timeout)
  // biome-ignore lint/suspicious/noExplicitAny: API bodies are checked field by field
  body: any;
}

export interface KnownOrder {
  id: string;
  showId: string;
  customerId: string;
  key: string;
  quantity: number;
  holdExpiresAt?: string;
  /** When the buyer was told (ms since the run began). */
  ackMs: number;
}

export const GOOD_CARD = "4242424242424242";
export const DECLINED_CARD = "4000000000000002";

export class Ledger {
  /** Every order some buyer was told about, by id. */
  readonly orders = new Map<string, KnownOrder>();
  /** `${showId}|${customerId}|${key}` → every order id an answer for that key named. */
  readonly byKey = new Map<string, Set<string>>();
  /** Order ids whose payment answered 200 confirmed / whose cancel answered cancelled / refund answered refunded. */
  readonly paid = new Set<string>();
  readonly cancelled = new Set<string>();
  readonly refunded = new Set<string>();
  readonly refundedAt = new Map<string, number>();
  /**
   * Refunds whose last answer was not an answer (a killed connection, a 5xx): the change may have been made before
   * the failure (a 503 after the space took it, published later by the sweeper), so either status is right.
   */
  readonly refundUncertain = new Set<string>();
  /** Replays of an acknowledged purchase: the order id first acknowledged and the one the replay got. */
  readonly replays: { key: string; original: string; got: string | null; status: number }[] = [];
  /** Requests that must have been refused with a 4xx `{code, message}` and were not. */
  readonly badInputAccepted: string[] = [];
  readonly badInputAnswers = new Map<number, number>();
  readonly counts = new Map<string, number>();
  /** Answers worth a look that no check is about (a 500, a declined card that paid): the first few of each. */
  readonly oddities: string[] = [];
  readonly startedAt = Date.now();

  odd(what: string) {
    if (this.oddities.length < 50) this.oddities.push(`${((Date.now() - this.startedAt) / 1000).toFixed(1)}s ${what}`);
  }
  sinceStart() {
    return Date.now() - this.startedAt;
  }

  count(what: string) {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }
  noteOrder(o: KnownOrder) {
    if (!this.orders.has(o.id)) this.orders.set(o.id, o);
    const k = `${o.showId}|${o.customerId}|${o.key}`;
    const ids = this.byKey.get(k) ?? new Set();
    ids.add(o.id);
    this.byKey.set(k, ids);
  }
}
