import type Stripe from "stripe";
import { HotSeatError } from "../error/index.ts";
import type { OrderRecord } from "../order/index.ts";

export type ProviderName = "test" | "stripe";

/** What a buyer's browser needs to pay a held order. */
export interface PaymentStart {
  paymentId?: string;
  /** Stripe's PaymentIntent secret, for Stripe Elements. */
  clientSecret?: string;
}

/**
 * Where the money goes. Starting a payment and refunding one are both idempotent per order: the
 * order id is the provider's idempotency key, so a retry never charges or refunds twice.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  start(order: OrderRecord, currency: string): Promise<PaymentStart>;
  refund(order: OrderRecord, paymentRef: string): Promise<void>;
}

export const amountOf = (o: Pick<OrderRecord, "quantity" | "priceCents">) => o.quantity * o.priceCents;

/** The test provider's cards, as Stripe's test mode names them. */
export const TEST_CARDS = { succeeds: "4242424242424242", declines: "4000000000000002" } as const;

/**
 * A test provider, for `pnpm start`, the tests and any stage that turns it on: no money moves.
 * Card 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined. Not a payment service.
 */
export class TestPayments implements PaymentProvider {
  readonly name = "test" as const;
  readonly refunds: { orderId: string; paymentRef: string }[] = [];

  async start(order: OrderRecord): Promise<PaymentStart> {
    return { paymentId: `test_${order.id}` };
  }

  /** The card's answer: a payment reference when it pays, `payment_declined` when it does not. */
  charge(order: OrderRecord, card: string): string {
    if (card === TEST_CARDS.succeeds) return `test_${order.id}`;
    throw new HotSeatError(
      "payment_declined",
      card === TEST_CARDS.declines
        ? "your card was declined; the tickets stay held until the hold runs out"
        : `the test provider pays with ${TEST_CARDS.succeeds} and declines ${TEST_CARDS.declines}`,
    );
  }

  async refund(order: OrderRecord, paymentRef: string): Promise<void> {
    if (!this.refunds.some((r) => r.orderId === order.id)) this.refunds.push({ orderId: order.id, paymentRef });
  }
}

/**
 * Stripe's refusals and outages as the API's errors: an amount Stripe will not take is the show's
 * setting (422), anything else is Stripe being unavailable (503, retry): never a bare 500.
 */
async function viaStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const err = e as { type?: string; message?: string };
    if (err.type === "StripeInvalidRequestError")
      throw new HotSeatError("payment_rejected", `Stripe refused the payment: ${err.message ?? "invalid request"}`);
    if (typeof err.type === "string" && err.type.startsWith("Stripe"))
      throw new HotSeatError("unavailable", "the payment provider is unavailable; retry in a moment");
    throw e;
  }
}

/**
 * Stripe: a PaymentIntent per order, authorized in the browser and captured only once the order is
 * confirmed in the space (`capture_method: manual`). Money is never taken for a hold that lapsed
 * first: its authorization is released instead, and the buyer is never charged.
 */
export class StripePayments implements PaymentProvider {
  readonly name = "stripe" as const;

  constructor(
    readonly stripe: Stripe,
    private readonly webhookSecret: string,
  ) {}

  async start(order: OrderRecord, currency: string): Promise<PaymentStart> {
    const intent = await viaStripe(() =>
      this.stripe.paymentIntents.create(
        {
          amount: amountOf(order),
          currency,
          metadata: { orderId: order.id, showId: order.showId },
          automatic_payment_methods: { enabled: true },
          capture_method: "manual",
        },
        { idempotencyKey: `pay-${order.id}` },
      ),
    );
    return { paymentId: intent.id, clientSecret: intent.client_secret ?? undefined };
  }

  /** Money taken goes back; an authorization not yet captured (its capture still being retried) is let go instead. */
  async refund(order: OrderRecord, paymentRef: string): Promise<void> {
    const intent = await viaStripe(() => this.stripe.paymentIntents.retrieve(paymentRef));
    if (intent.status === "requires_capture") return this.release(order, paymentRef);
    await viaStripe(() =>
      this.stripe.refunds.create({ payment_intent: paymentRef }, { idempotencyKey: `refund-${order.id}` }),
    );
  }

  /** Takes the authorized money of a confirmed order; the same key makes a retry capture once. */
  async capture(order: OrderRecord, paymentRef: string): Promise<void> {
    await viaStripe(() =>
      this.stripe.paymentIntents.capture(paymentRef, {}, { idempotencyKey: `capture-${order.id}` }),
    );
  }

  /** Lets an authorization go unclaimed: the buyer's bank releases it and no money moves. */
  async release(order: OrderRecord, paymentRef: string): Promise<void> {
    await viaStripe(() => this.stripe.paymentIntents.cancel(paymentRef, {}, { idempotencyKey: `release-${order.id}` }));
  }

  /** The webhook's event, once its signature checks out against the endpoint's secret. */
  async verify(payload: string, signature: string | undefined): Promise<Stripe.Event> {
    if (!signature) throw new HotSeatError("invalid_signature", "no Stripe-Signature header");
    try {
      return await this.stripe.webhooks.constructEventAsync(payload, signature, this.webhookSecret);
    } catch {
      throw new HotSeatError("invalid_signature", "the Stripe-Signature does not match this endpoint's secret");
    }
  }
}
