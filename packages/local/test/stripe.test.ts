import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StripeStandIn, startStripeStandIn } from "../src/stripe-standin.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

// Stripe as the provider: the PaymentIntent is created through the official SDK against a stand-in
// of Stripe's API (its servers are out of reach here); webhooks are signed with the SDK's own test helper.

const webhookSecret = "whsec_test_hotseat";
let standIn: StripeStandIn;
let t: TestStack;
beforeAll(async () => {
  standIn = await startStripeStandIn();
  t = await startTestStack({
    payments: {
      provider: "stripe",
      currency: "eur",
      stripe: { secretKey: "sk_test_standin", webhookSecret, apiUrl: standIn.url },
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await standIn?.stop();
});

const sdk = new Stripe("sk_test_unused");
let events = 0;
function signed(type: string, intent: { id: string; metadata: Record<string, string> }, secret = webhookSecret) {
  const payload = JSON.stringify({
    id: `evt_${++events}`,
    object: "event",
    type,
    data: { object: { object: "payment_intent", ...intent } },
  });
  return { payload, signature: sdk.webhooks.generateTestHeaderString({ payload, secret }) };
}
const deliver = (e: { payload: string; signature?: string }) =>
  t.request("POST", "/webhooks/stripe", {
    rawBody: e.payload,
    headers: e.signature ? { "stripe-signature": e.signature } : {},
  });
const buy = async (showId: string, as: string, quantity = 1) =>
  (
    await t.request("POST", `/shows/${showId}/orders`, {
      body: { quantity },
      idempotencyKey: `stripe-${as}-${Date.now()}`,
      as,
    })
  ).body.order;
/** What Stripe does to an intent made with automatic capture (before HotSeat captured manually). */
const capturedByStripe = (intentId: string) => standIn.intents.set(intentId, "succeeded");
const orderOf = async (id: string, as: string) => (await t.request("GET", `/orders/${id}`, { as })).body.order;

describe("Stripe checkout", () => {
  it("creates one PaymentIntent per order, for quantity × price, keyed by the order", async () => {
    const show = await t.createShow({ capacity: 10, priceCents: 3500 });
    await t.preload(show.id);
    const order = await buy(show.id, "sam", 2);
    const first = await t.request("POST", `/orders/${order.id}/checkout`, { as: "sam" });
    expect(first.status).toBe(200);
    expect(first.body.checkout).toMatchObject({
      provider: "stripe",
      amountCents: 7000,
      currency: "eur",
      clientSecret: expect.stringMatching(/_secret_/),
      expiresAt: order.holdExpiresAt,
    });
    const again = await t.request("POST", `/orders/${order.id}/checkout`, { as: "sam" });
    expect(again.body.checkout.paymentId).toBe(first.body.checkout.paymentId);
    const created = standIn.calls.filter((c) => c.path === "/v1/payment_intents");
    expect(created.at(-1)?.idempotencyKey).toBe(`pay-${order.id}`);
    expect(created.at(-1)?.form.get("amount")).toBe("7000");
    expect(created.at(-1)?.form.get("currency")).toBe("eur");
    expect(created.at(-1)?.form.get("metadata[orderId]")).toBe(order.id);
    // Authorized in the browser, captured by HotSeat only once the space confirmed the order.
    expect(created.at(-1)?.form.get("capture_method")).toBe("manual");
    // The test card route belongs to the test provider only.
    const card = await t.request("POST", `/orders/${order.id}/test-payment`, {
      body: { card: "4242424242424242" },
      as: "sam",
    });
    expect(card.status).toBe(404);
  });

  it("answers an amount Stripe refuses with 422 payment_rejected, not a 500, and keeps the hold", async () => {
    const show = await t.createShow({ capacity: 5, priceCents: 10 });
    await t.preload(show.id);
    const order = await buy(show.id, "zed", 2);
    const refused = await t.request("POST", `/orders/${order.id}/checkout`, { as: "zed" });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "payment_rejected", message: expect.stringMatching(/50 cents/) });
    expect(await orderOf(order.id, "zed")).toMatchObject({ status: "held" });
  });

  it("confirms on a signed payment_intent.succeeded, once however often it comes; refuses forged and unsigned ones", async () => {
    const show = await t.createShow({ capacity: 10, priceCents: 1000 });
    await t.preload(show.id);
    const order = await buy(show.id, "tia");
    const { checkout } = (await t.request("POST", `/orders/${order.id}/checkout`, { as: "tia" })).body;
    const intent = { id: checkout.paymentId, metadata: { orderId: order.id } };

    const forged = await deliver(signed("payment_intent.succeeded", intent, "whsec_someone_else"));
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ code: "invalid_signature" });
    expect((await deliver({ payload: signed("payment_intent.succeeded", intent).payload })).status).toBe(400);
    const tampered = signed("payment_intent.succeeded", intent);
    expect((await deliver({ ...tampered, payload: tampered.payload.replace(order.id, "ord_x") })).status).toBe(400);
    expect(await orderOf(order.id, "tia")).toMatchObject({ status: "held" });

    // Another integration's payments on the same account are acknowledged, not retried by Stripe for days.
    const others: Record<string, string>[] = [
      {},
      { orderId: "not-an-order" },
      { orderId: "ord_01M8K746YHNN6VVTREMPNQJXK9" },
    ];
    for (const metadata of others)
      expect((await deliver(signed("payment_intent.succeeded", { id: "pi_other", metadata }))).body).toEqual({
        received: true,
        outcome: "not_ours",
      });
    const ignored = await deliver(signed("payment_intent.created", intent));
    expect(ignored.body).toEqual({ received: true });
    const event = signed("payment_intent.succeeded", intent);
    expect((await deliver(event)).body).toEqual({ received: true, outcome: "confirmed" });
    expect((await deliver(event)).body).toEqual({ received: true, outcome: "already" });
    expect((await deliver(signed("payment_intent.succeeded", intent))).body.outcome).toBe("already");
    expect(await orderOf(order.id, "tia")).toMatchObject({ status: "confirmed" });
  });

  it("confirms an authorized payment in the space, then captures it: once, however often the event comes", async () => {
    const show = await t.createShow({ capacity: 4, priceCents: 1500 });
    await t.preload(show.id);
    const order = await buy(show.id, "abe", 2);
    const { checkout } = (await t.request("POST", `/orders/${order.id}/checkout`, { as: "abe" })).body;
    const intent = { id: checkout.paymentId, metadata: { orderId: order.id } };
    standIn.authorize(intent.id);

    // Stripe is down at the capture (the SDK's own retries too): the webhook answers 503, so Stripe delivers it again.
    standIn.failNext(`/${intent.id}/capture`, 3);
    const event = signed("payment_intent.amount_capturable_updated", intent);
    const failed = await deliver(event);
    expect(failed.status).toBe(503);
    expect(standIn.intents.get(intent.id)).toBe("requires_capture");
    // The order was confirmed before the capture was asked for: its tickets are never back on sale.
    expect(await orderOf(order.id, "abe")).toMatchObject({ status: "confirmed" });

    expect((await deliver(event)).body).toEqual({ received: true, outcome: "already" });
    expect(standIn.intents.get(intent.id)).toBe("succeeded");
    expect((await deliver(event)).body).toEqual({ received: true, outcome: "already" });
    const captures = standIn.calls.filter((c) => c.path === `/v1/payment_intents/${intent.id}/capture`);
    expect(captures.length).toBe(5);
    expect(new Set(captures.map((c) => c.idempotencyKey))).toEqual(new Set([`capture-${order.id}`]));
    // The succeeded event that follows a capture changes nothing.
    expect((await deliver(signed("payment_intent.succeeded", intent))).body.outcome).toBe("already");
    expect(standIn.calls.some((c) => c.path === "/v1/refunds" && c.form.get("payment_intent") === intent.id)).toBe(
      false,
    );
    expect(await orderOf(order.id, "abe")).toMatchObject({ status: "confirmed" });
  });

  it("never charges an authorization that comes after the hold lapsed: it is released, the ticket stays on sale", async () => {
    const show = await t.createShow({ capacity: 1, priceCents: 1000, holdSeconds: 5 });
    await t.preload(show.id);
    const order = await buy(show.id, "bea");
    const { checkout } = (await t.request("POST", `/orders/${order.id}/checkout`, { as: "bea" })).body;
    const intent = { id: checkout.paymentId, metadata: { orderId: order.id } };
    await new Promise((r) => setTimeout(r, Date.parse(order.holdExpiresAt) - Date.now() + 50));
    const next = await buy(show.id, "cal");
    expect(next.status).toBe("held");

    standIn.authorize(intent.id);
    const late = await deliver(signed("payment_intent.amount_capturable_updated", intent));
    expect(late.body).toEqual({ received: true, outcome: "released_late" });
    expect(standIn.intents.get(intent.id)).toBe("canceled");
    expect(standIn.calls.some((c) => c.path === `/v1/payment_intents/${intent.id}/capture`)).toBe(false);
    expect(standIn.calls.some((c) => c.path === "/v1/refunds" && c.form.get("payment_intent") === intent.id)).toBe(
      false,
    );
    expect(await orderOf(order.id, "bea")).toMatchObject({ status: "expired", note: "late_payment_released" });
    expect(await orderOf(next.id, "cal")).toMatchObject({ status: "held" });
    // Again: released again under the same key, nothing captured.
    expect((await deliver(signed("payment_intent.amount_capturable_updated", intent))).body.outcome).toBe(
      "released_late",
    );
    const releases = standIn.calls.filter((c) => c.path === `/v1/payment_intents/${intent.id}/cancel`);
    expect(releases.map((c) => c.idempotencyKey)).toEqual([`release-${order.id}`, `release-${order.id}`]);
  });

  it("refunds money captured automatically after the hold is gone (an intent made before manual capture), and the order says so", async () => {
    const show = await t.createShow({ capacity: 1, priceCents: 1000 });
    await t.preload(show.id);
    const order = await buy(show.id, "uma");
    const { checkout } = (await t.request("POST", `/orders/${order.id}/checkout`, { as: "uma" })).body;
    await t.request("POST", `/orders/${order.id}/cancel`, { as: "uma" });
    const other = await buy(show.id, "vic");
    expect(other.status).toBe("held");

    capturedByStripe(checkout.paymentId);
    const late = await deliver(
      signed("payment_intent.succeeded", { id: checkout.paymentId, metadata: { orderId: order.id } }),
    );
    expect(late.body).toEqual({ received: true, outcome: "refunded_late" });
    const refund = standIn.calls.filter((c) => c.path === "/v1/refunds").at(-1);
    expect(refund?.form.get("payment_intent")).toBe(checkout.paymentId);
    expect(refund?.idempotencyKey).toBe(`refund-${order.id}`);
    expect(await orderOf(order.id, "uma")).toMatchObject({ status: "cancelled", note: "late_payment_refunded" });
    expect(await orderOf(other.id, "vic")).toMatchObject({ status: "held" });
    // Delivered again, it asks for the same refund: the order's idempotency key makes Stripe refund once.
    expect(
      (await deliver(signed("payment_intent.succeeded", { id: checkout.paymentId, metadata: { orderId: order.id } })))
        .body.outcome,
    ).toBe("refunded_late");
    const refunds = standIn.calls.filter((c) => c.path === "/v1/refunds");
    expect(refunds.map((c) => c.idempotencyKey)).toEqual([`refund-${order.id}`, `refund-${order.id}`]);
  });

  it("an admin's refund of an order whose capture has not gone through yet lets the authorization go", async () => {
    const show = await t.createShow({ capacity: 3, priceCents: 1000 });
    await t.preload(show.id);
    const order = await buy(show.id, "dee");
    const { checkout } = (await t.request("POST", `/orders/${order.id}/checkout`, { as: "dee" })).body;
    const intent = { id: checkout.paymentId, metadata: { orderId: order.id } };
    standIn.authorize(intent.id);
    standIn.failNext(`/${intent.id}/capture`, 3);
    expect((await deliver(signed("payment_intent.amount_capturable_updated", intent))).status).toBe(503);

    const refunded = await t.request("POST", `/admin/orders/${order.id}/refund`, { admin: true });
    expect(refunded.status).toBe(200);
    expect(refunded.body.order).toMatchObject({ status: "refunded" });
    expect(standIn.intents.get(intent.id)).toBe("canceled");
    // Stripe's redelivery then finds the order refunded: nothing is captured.
    expect((await deliver(signed("payment_intent.amount_capturable_updated", intent))).body.outcome).toBe("already");
    expect(standIn.intents.get(intent.id)).toBe("canceled");
  });

  it("refunds an admin's refund through Stripe, with the order's key", async () => {
    const show = await t.createShow({ capacity: 3, priceCents: 1000 });
    await t.preload(show.id);
    const order = await buy(show.id, "wes");
    const { checkout } = (await t.request("POST", `/orders/${order.id}/checkout`, { as: "wes" })).body;
    standIn.authorize(checkout.paymentId);
    await deliver(
      signed("payment_intent.amount_capturable_updated", { id: checkout.paymentId, metadata: { orderId: order.id } }),
    );
    expect(standIn.intents.get(checkout.paymentId)).toBe("succeeded");
    const refunded = await t.request("POST", `/admin/orders/${order.id}/refund`, { admin: true });
    expect(refunded.body.order).toMatchObject({ status: "refunded" });
    const refund = standIn.calls.filter((c) => c.path === "/v1/refunds").at(-1);
    expect(refund).toMatchObject({ idempotencyKey: `refund-${order.id}` });
    expect(refund?.form.get("payment_intent")).toBe(checkout.paymentId);
  });
});
