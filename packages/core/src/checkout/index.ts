import { z } from "zod";
import { HotSeatError } from "../error/index.ts";
import { log } from "../log/index.ts";
import { type Order, OrderId, type OrderRecord, toOrder } from "../order/index.ts";
import type { PumpPublisher } from "../pump/index.ts";
import { creditPublished } from "../sale/availability.ts";
import type { Sales } from "../sale/index.ts";
import type { ChangeOutcome, InventorySpace, OrderAction } from "../space/index.ts";
import { amountOf, type PaymentProvider, type ProviderName, StripePayments, TestPayments } from "./payments.ts";
import type { RefundLedger } from "./refunds.ts";

export {
  amountOf,
  type PaymentProvider,
  type PaymentStart,
  type ProviderName,
  StripePayments,
  TEST_CARDS,
  TestPayments,
} from "./payments.ts";
export { RefundLedger } from "./refunds.ts";

export const TestPaymentBody = z
  .object({ card: z.string().regex(/^\d{12,19}$/, "a card number, digits only") })
  .strict();
export type TestPaymentBody = z.infer<typeof TestPaymentBody>;

export interface CheckoutSession {
  provider: ProviderName;
  /** The hold's deadline: pay before it. */
  expiresAt: string;
  amountCents: number;
  currency: string;
  paymentId?: string;
  clientSecret?: string;
}

/** What a late payment's order says once its money went back. */
export const LATE_PAYMENT_REFUNDED = "late_payment_refunded";
/** What an order says when its payment was authorized after the hold had gone, and never taken. */
export const LATE_PAYMENT_RELEASED = "late_payment_released";

/** What checkout needs of the rest of the system: the space's order changes, the sale's reads, the pump. */
export interface CheckoutDeps {
  /** Changing an order's status (one atomic step against its current status) and reclaiming lapsed holds. */
  space: Pick<InventorySpace, "changeOrder" | "reclaimHolds" | "replicated" | "creditReleased">;
  sales: Pick<Sales, "publishChanges" | "orderInSpace">;
  /** Where a buyer's or an admin's change goes before it is acknowledged. */
  publisher: Pick<PumpPublisher, "publishOrder">;
  payments: PaymentProvider;
  currency?: string;
  /** Keeps a failed provider refund owed until the sweeper's retry succeeds; without it a refund is tried once. */
  refunds?: RefundLedger;
}

/**
 * Paying for held orders, and the changes of status after: every change is one atomic step in the
 * space against the order's current status (see CHANGE_ORDER), then published like a purchase.
 */
export class Checkout {
  constructor(private readonly deps: CheckoutDeps) {}

  private refundMoney(record: OrderRecord, paymentRef: string): Promise<unknown> {
    const { refunds, payments } = this.deps;
    return refunds ? refunds.refund(payments, record, paymentRef) : payments.refund(record, paymentRef);
  }

  get provider(): ProviderName {
    return this.deps.payments.name;
  }

  private get currency() {
    return this.deps.currency ?? "usd";
  }

  /** The order while the space holds it; another buyer's order is "not found", as one that does not exist. */
  private async owned(orderId: string, customerId: string | null): Promise<OrderRecord> {
    const found = await this.deps.sales.orderInSpace(orderId);
    if (!found || (customerId !== null && found.customerId !== customerId))
      throw new HotSeatError("order_not_found", `no order ${orderId}`);
    return found;
  }

  private async change(
    record: OrderRecord,
    action: OrderAction,
    extra: { paymentRef?: string; note?: string } = {},
  ): Promise<{ outcome: ChangeOutcome; record: OrderRecord }> {
    const r = await this.deps.space.changeOrder(record.showId, record.shard, record.id, action, extra);
    if (r.outcome === "rehydrating")
      throw new HotSeatError("rehydrating", "the show is being restored; retry in a moment");
    if (!r.record) throw new HotSeatError("order_not_found", `no order ${record.id}`);
    // What is acknowledged is in the pump, not only in the space, which can lose a show before the writer
    // persists it. A lapsed hold is expired by the same step, whatever the action: that change is
    // published too. "Already" publishes the current version again: the retry of a change whose publish
    // failed lands it (the writer's blind, versioned writes make a second copy harmless).
    if (r.outcome === "changed" || r.outcome === "already" || r.record.version !== record.version) {
      // Only what the shard's replicas hold (with SPACE_REPLICA_ACKS): a confirm the primary alone had, then lost
      // in a failover, would leave the space's hold to lapse and sell again a ticket DynamoDB calls paid for.
      if (!(await this.deps.space.replicated(r.record.showId, r.record.shard)))
        throw new HotSeatError("unavailable", "the change is made but not yet durable; retry to confirm it");
      const published = await this.deps.publisher.publishOrder(r.record).catch(() => false);
      if (!published)
        throw new HotSeatError("unavailable", "the change is made but not yet durable; retry to confirm it");
      // In the pump now: the tickets it gave back (a cancel, a refund, a lapse) go on sale.
      await creditPublished(this.deps.space, [r.record], [true]);
    }
    return { outcome: r.outcome, record: r.record };
  }

  /** Stripe's events only reach a stage whose provider is Stripe; elsewhere the route does not exist. */
  private stripe(): StripePayments {
    const payments = this.deps.payments;
    if (!(payments instanceof StripePayments))
      throw new HotSeatError("not_found", "Stripe is not this stage's provider");
    return payments;
  }

  /** The order is already settled by this very payment (confirmed by it, or refunded after it): a redelivery. */
  private settledBy(record: OrderRecord, paymentRef: string): boolean {
    return (record.status === "confirmed" || record.status === "refunded") && record.paymentRef === paymentRef;
  }

  private refuseUnpayable(record: OrderRecord): never {
    if (record.status === "expired")
      throw new HotSeatError("hold_expired", "the hold ran out; the tickets are back on sale");
    throw new HotSeatError("not_payable", `this order is ${record.status}, not held`);
  }

  /** Starts the payment of a held order, or returns the one already started. */
  async start(orderId: string, customerId: string): Promise<CheckoutSession> {
    const record = await this.owned(orderId, customerId);
    if (record.status === "held" && Date.parse(record.holdExpiresAt ?? "") <= Date.now()) {
      // Lapsed but not yet reclaimed: reclaim it now, so the buyer and the stock agree.
      void this.deps.sales.publishChanges(await this.deps.space.reclaimHolds(record.showId, record.shard));
      this.refuseUnpayable({ ...record, status: "expired" });
    }
    if (record.status !== "held") this.refuseUnpayable(record);
    const started = await this.deps.payments.start(record, this.currency);
    return {
      provider: this.deps.payments.name,
      expiresAt: record.holdExpiresAt ?? "",
      amountCents: amountOf(record),
      currency: this.currency,
      ...started,
    };
  }

  /** The test provider's card payment: confirmed at once, or declined with the hold left as it was. */
  async payWithTestCard(orderId: string, customerId: string, { card }: TestPaymentBody): Promise<Order> {
    const payments = this.deps.payments;
    if (!(payments instanceof TestPayments)) throw new HotSeatError("not_found", "no test payments on this stage");
    const record = await this.owned(orderId, customerId);
    if (record.status !== "held" && record.status !== "confirmed") this.refuseUnpayable(record);
    // Paid already (a retry after an answer that was lost or a 503): confirmed again, published again, not charged again.
    const paymentRef = record.status === "confirmed" ? record.paymentRef : payments.charge(record, card);
    const done = await this.change(record, "confirm", { paymentRef });
    if (done.outcome !== "changed" && done.outcome !== "already") this.refuseUnpayable(done.record);
    return toOrder(done.record, false);
  }

  /**
   * Money arrived (Stripe's `payment_intent.succeeded`). Twice, or after a refund, changes nothing;
   * after the hold lapsed or was cancelled the money goes back and the order says so: late money
   * never takes a ticket that is back on sale.
   */
  async paymentSucceeded(orderId: string, paymentRef: string): Promise<"confirmed" | "already" | "refunded_late"> {
    const record = await this.owned(orderId, null);
    const done = await this.change(record, "confirm", { paymentRef });
    if (done.outcome === "changed") return "confirmed";
    // The same payment again changes nothing; a second payment for an order another one paid goes back.
    if (this.settledBy(done.record, paymentRef)) return "already";
    await this.refundMoney(done.record, paymentRef);
    await this.change(done.record, "note", { note: LATE_PAYMENT_REFUNDED });
    log.warn("checkout.late_payment_refunded", { orderId, status: done.record.status });
    return "refunded_late";
  }

  /**
   * Stripe authorized the payment (`payment_intent.amount_capturable_updated`): the order is confirmed
   * in the space first, and only then is the money captured. A hold that lapsed or was cancelled
   * before keeps its tickets on sale and the authorization is released: nothing is charged. A capture
   * that fails throws (503), so Stripe delivers the event again and the capture is retried with the
   * same key; a confirmed order's redelivery captures again, which Stripe answers once.
   */
  async paymentAuthorized(orderId: string, paymentRef: string): Promise<"confirmed" | "already" | "released_late"> {
    const payments = this.stripe();
    const record = await this.owned(orderId, null);
    const done = await this.change(record, "confirm", { paymentRef });
    if (done.outcome === "changed") {
      await payments.capture(done.record, paymentRef);
      return "confirmed";
    }
    if (this.settledBy(done.record, paymentRef)) {
      // A redelivery: a confirmed order captures again (the capture may be what failed), a refunded one does not.
      if (done.record.status === "confirmed") await payments.capture(done.record, paymentRef);
      return "already";
    }
    await payments.release(done.record, paymentRef);
    if (done.record.note !== LATE_PAYMENT_RELEASED)
      await this.change(done.record, "note", { note: LATE_PAYMENT_RELEASED });
    log.warn("checkout.late_payment_released", { orderId, status: done.record.status });
    return "released_late";
  }

  /** The buyer lets a hold go: its tickets are back on sale at once. */
  async cancel(orderId: string, customerId: string): Promise<Order> {
    const record = await this.owned(orderId, customerId);
    const done = await this.change(record, "cancel");
    if (done.outcome === "changed" || done.outcome === "already") return toOrder(done.record, false);
    if (done.record.status === "expired") throw new HotSeatError("hold_expired", "the hold had already run out");
    throw new HotSeatError(
      "not_cancellable",
      `this order is ${done.record.status}; only a held order can be cancelled`,
    );
  }

  /** An admin refunds a confirmed order: the money goes back and its tickets return to sale. */
  async refund(orderId: string): Promise<Order> {
    const record = await this.owned(orderId, null);
    const done = await this.change(record, "refund");
    if (done.outcome !== "changed" && done.outcome !== "already")
      throw new HotSeatError(
        "not_refundable",
        `this order is ${done.record.status}; only a confirmed order is refunded`,
      );
    // After the stock went back: a failed refund call is retried by asking again, which finds it refunded.
    if (done.record.paymentRef) await this.refundMoney(done.record, done.record.paymentRef);
    return toOrder(done.record, false);
  }

  /** Stripe's webhook: verified, then applied once however often it comes. */
  async stripeWebhook(payload: string, signature: string | undefined): Promise<{ received: true; outcome?: string }> {
    const event = await this.stripe().verify(payload, signature);
    if (event.type !== "payment_intent.succeeded" && event.type !== "payment_intent.amount_capturable_updated")
      return { received: true };
    const intent = event.data.object;
    const orderId = intent.metadata?.orderId;
    // Another integration's payment on the same Stripe account: acknowledged, or Stripe retries it for days.
    if (!orderId || !OrderId.safeParse(orderId).success) return { received: true, outcome: "not_ours" };
    try {
      // Authorized (ours are manually captured): confirm, then capture. Succeeded: the capture that
      // followed, changing nothing, or a payment captured automatically (an intent made before manual
      // capture), refunded if it came late.
      const outcome =
        event.type === "payment_intent.amount_capturable_updated"
          ? await this.paymentAuthorized(orderId, intent.id)
          : await this.paymentSucceeded(orderId, intent.id);
      return { received: true, outcome };
    } catch (e) {
      if (e instanceof HotSeatError && e.code === "order_not_found") return { received: true, outcome: "not_ours" };
      throw e;
    }
  }
}
