import { BuyerTokens } from "@hotseat/core/buyer";
import type { Rng } from "./rng.ts";

/**
 * The nemesis's buyers: random, concurrent, some hostile. Every answer they get is written to the
 * ledger, which the checks at the end hold against DynamoDB.
 */

import { sleep } from "@hotseat/core/util";
import { type Answer, DECLINED_CARD, GOOD_CARD, type KnownOrder, type Ledger, type ShowUnderTest } from "./ledger.ts";

export { type Answer, DECLINED_CARD, GOOD_CARD, type KnownOrder, Ledger, type ShowUnderTest } from "./ledger.ts";

export interface BuyerContext {
  apis: () => string[];
  shows: () => ShowUnderTest[];
  adminToken: string;
  tokenKey: string;
  customers: number;
  ledger: Ledger;
}

export class Client {
  private readonly tokens: BuyerTokens;
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly ctx: BuyerContext,
    private readonly rng: Rng,
  ) {
    this.tokens = new BuyerTokens(ctx.tokenKey);
  }

  async tokenFor(customerId: string) {
    let token = this.cache.get(customerId);
    if (!token) {
      token = (await this.tokens.issue(customerId)).token;
      this.cache.set(customerId, token);
    }
    return token;
  }

  async call(
    method: string,
    path: string,
    o: { as?: string; admin?: boolean; key?: string; body?: unknown; raw?: string; api?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (o.body !== undefined || o.raw !== undefined) headers["content-type"] = "application/json";
    if (o.admin) headers.authorization = `Bearer ${this.ctx.adminToken}`;
    if (o.as) headers.authorization = `Bearer ${await this.tokenFor(o.as)}`;
    if (o.key) headers["idempotency-key"] = o.key;
    const api = o.api ?? this.rng.pick(this.ctx.apis());
    try {
      const res = await fetch(`${api}${path}`, {
        method,
        headers,
        body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status === 500) {
        this.ctx.ledger.count("answers.500");
        this.ctx.ledger.odd(`${method} ${path}: 500 ${text.slice(0, 200)}`);
      }
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = { raw: text };
      }
      return { status: res.status, body };
    } catch {
      return { status: 0, body: null };
    }
  }
}

const retryable = (a: Answer) => a.status === 0 || a.status === 503 || a.status >= 500;

/** One buyer loop: picks an action at random, again and again, until `stop()` says so. */
export class Buyer {
  private readonly client: Client;
  private readonly mine: { key: string; showId: string; customerId: string; quantity: number }[] = [];
  private readonly held: KnownOrder[] = [];
  constructor(
    private readonly ctx: BuyerContext,
    private readonly rng: Rng,
    readonly index: number,
  ) {
    this.client = new Client(ctx, rng);
  }

  private customer() {
    return `cus_nemesis_${this.rng.int(0, this.ctx.customers - 1)}`;
  }

  private pickShow(): ShowUnderTest | null {
    const shows = this.ctx.shows();
    if (shows.length === 0) return null;
    // Mostly the newest round's shows (the contested ones), sometimes an older one.
    const newest = shows.slice(-2);
    return this.rng.chance(0.85) ? this.rng.pick(newest) : this.rng.pick(shows);
  }

  /** A purchase, retried with the same key (on any API) while the answer is no answer or a 5xx. */
  private async purchase(show: ShowUnderTest, customerId: string, key: string, quantity: number, api?: string) {
    const { ledger } = this.ctx;
    let answer: Answer = { status: 0, body: null };
    for (let attempt = 0; attempt < 6; attempt++) {
      answer = await this.client.call("POST", `/shows/${show.id}/orders`, {
        as: customerId,
        key,
        body: { quantity },
        api: attempt === 0 ? api : undefined,
      });
      if (attempt > 0) ledger.count("purchase.retried");
      if (!retryable(answer)) break;
      await sleep(100 + this.rng.int(0, 400) * (attempt + 1));
    }
    ledger.count(`purchase.${answer.status}${answer.body?.code ? `.${answer.body.code}` : ""}`);
    const order = answer.body?.order;
    if ((answer.status === 200 || answer.status === 201) && order?.id) {
      const known: KnownOrder = {
        id: order.id,
        showId: show.id,
        customerId,
        key,
        quantity,
        holdExpiresAt: order.holdExpiresAt,
        ackMs: ledger.sinceStart(),
      };
      // A replay names an order already known: its hold is settled once, by whoever first got it.
      if (order.status === "held" && !ledger.orders.has(order.id)) this.held.push(known);
      ledger.noteOrder(known);
      this.mine.push({ key, showId: show.id, customerId, quantity });
    }
    return answer;
  }

  /** One purchase of one ticket sent first to `api` (the fault scheduler's buyer, who finds a lost show). */
  buyOn(show: ShowUnderTest, api: string) {
    return this.purchase(show, this.customer(), `fault-${this.index}-${this.rng.int(0, 2 ** 30).toString(36)}`, 1, api);
  }

  async step() {
    const show = this.pickShow();
    if (!show) return sleep(100);
    const { ledger } = this.ctx;
    const roll = this.rng.next();
    if (roll < 0.5) {
      const customerId = this.customer();
      const key = `k-${this.index}-${this.rng.int(0, 2 ** 30).toString(36)}`;
      await this.purchase(show, customerId, key, this.rng.int(1, Math.min(3, show.maxPerCustomer)));
      return;
    }
    if (roll < 0.6 && this.mine.length > 0) {
      // A replay of an acknowledged purchase: same customer, same key, same body.
      const p = this.rng.pick(this.mine);
      const original = [...(ledger.byKey.get(`${p.showId}|${p.customerId}|${p.key}`) ?? [])][0] ?? "";
      const show = this.ctx.shows().find((s) => s.id === p.showId) as ShowUnderTest;
      const answer = await this.purchase(show, p.customerId, p.key, p.quantity);
      ledger.replays.push({ key: p.key, original, got: answer.body?.order?.id ?? null, status: answer.status });
      return;
    }
    if (roll < 0.68) return this.badInput(show);
    if (roll < 0.72) {
      // Over the limit in one go: refused, and nothing taken.
      const customerId = this.customer();
      const answer = await this.client.call("POST", `/shows/${show.id}/orders`, {
        as: customerId,
        key: `over-${this.index}-${this.rng.int(0, 2 ** 30)}`,
        body: { quantity: show.maxPerCustomer + 1 },
      });
      this.refused("over the limit", answer);
      return;
    }
    if (roll < 0.9 && this.held.length > 0) return this.settleHold();
    if (roll < 0.93) return this.adminRefund();
    const a = await this.client.call("GET", `/shows/${show.id}/availability`);
    ledger.count(`availability.${a.status}`);
  }

  private refused(what: string, a: Answer) {
    const { ledger } = this.ctx;
    ledger.badInputAnswers.set(a.status, (ledger.badInputAnswers.get(a.status) ?? 0) + 1);
    if (a.status >= 200 && a.status < 300)
      ledger.badInputAccepted.push(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
    else if (
      a.status >= 400 &&
      a.status < 500 &&
      (typeof a.body?.code !== "string" || typeof a.body?.message !== "string")
    )
      ledger.badInputAccepted.push(`${what}: ${a.status} without {code, message}: ${JSON.stringify(a.body)}`);
  }

  private async badInput(show: ShowUnderTest) {
    const customerId = this.customer();
    const key = `bad-${this.index}-${this.rng.int(0, 2 ** 30)}`;
    const path = `/shows/${show.id}/orders`;
    const kind = this.rng.int(0, 6);
    const c = this.client;
    const answer = await [
      () => c.call("POST", path, { as: customerId, key, body: { quantity: 0 } }),
      () => c.call("POST", path, { as: customerId, key, body: { quantity: -2 } }),
      () => c.call("POST", path, { as: customerId, key, body: { quantity: "two" } }),
      () => c.call("POST", path, { as: customerId, key, body: { quantity: 1, customerId: "cus_someone_else" } }),
      () => c.call("POST", path, { as: customerId, key, raw: "{not json" }),
      () => c.call("POST", path, { as: customerId, body: { quantity: 1 } }), // no Idempotency-Key
      () => c.call("POST", path, { key, body: { quantity: 1 } }), // no token
    ][kind]?.();
    if (answer) this.refused(`bad input #${kind}`, answer);
    // A key reused with another body must not make a second order either.
    if (this.mine.length > 0 && this.rng.chance(0.3)) {
      const p = this.rng.pick(this.mine);
      const a = await c.call("POST", `/shows/${p.showId}/orders`, {
        as: p.customerId,
        key: p.key,
        body: { quantity: p.quantity === 1 ? 2 : 1 },
      });
      this.refused("idempotency key reused with another body", a);
    }
  }

  private async settleHold() {
    const { ledger } = this.ctx;
    const order = this.held.splice(this.rng.int(0, this.held.length - 1), 1)[0] as KnownOrder;
    const roll = this.rng.next();
    const pay = async (card: string) => {
      let a: Answer = { status: 0, body: null };
      for (let i = 0; i < 4 && retryable(a); i++) {
        a = await this.client.call("POST", `/orders/${order.id}/test-payment`, {
          as: order.customerId,
          body: { card },
        });
      }
      ledger.count(
        `pay.${card === GOOD_CARD ? "good" : "declined"}.${a.status}${a.body?.code ? `.${a.body.code}` : ""}`,
      );
      if (a.status === 200 && a.body?.order?.status === "confirmed") ledger.paid.add(order.id);
      if (card === DECLINED_CARD && a.status === 200)
        ledger.odd(`pay ${order.id} with ${card}: ${a.status} ${JSON.stringify(a.body)}`);
      return a;
    };
    if (roll < 0.45) {
      await pay(GOOD_CARD);
    } else if (roll < 0.6) {
      const declined = await pay(DECLINED_CARD);
      if (declined.status === 402 && this.rng.chance(0.5)) await pay(GOOD_CARD);
    } else if (roll < 0.75) {
      let a: Answer = { status: 0, body: null };
      for (let i = 0; i < 4 && retryable(a); i++)
        a = await this.client.call("POST", `/orders/${order.id}/cancel`, { as: order.customerId });
      ledger.count(`cancel.${a.status}${a.body?.code ? `.${a.body.code}` : ""}`);
      if (a.status === 200 && a.body?.order?.status === "cancelled") ledger.cancelled.add(order.id);
    } else {
      ledger.count("hold.abandoned"); // left to lapse
    }
  }

  private async adminRefund() {
    const { ledger } = this.ctx;
    const candidates = [...ledger.paid].filter((id) => !ledger.refunded.has(id));
    const free = [...ledger.orders.values()].filter((o) => !o.holdExpiresAt && !ledger.refunded.has(o.id));
    const pool = this.rng.chance(0.5) && candidates.length > 0 ? candidates : free.map((o) => o.id);
    if (pool.length === 0) return;
    const id = this.rng.pick(pool);
    let a: Answer = { status: 0, body: null };
    for (let i = 0; i < 4 && retryable(a); i++)
      a = await this.client.call("POST", `/admin/orders/${id}/refund`, { admin: true });
    ledger.count(`refund.${a.status}${a.body?.code ? `.${a.body.code}` : ""}`);
    if (a.status === 200 && a.body?.order?.status === "refunded") {
      ledger.refunded.add(id);
      ledger.refundedAt.set(id, ledger.sinceStart());
    } else if (a.status === 0 || a.status >= 500) ledger.refundUncertain.add(id);
  }
}
