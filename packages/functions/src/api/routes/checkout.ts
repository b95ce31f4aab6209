import { createRoute, z } from "@hono/zod-openapi";
import { type Checkout, TestPaymentBody } from "@hotseat/core/checkout";
import type { MiddlewareHandler } from "hono";
import type { BuyerEnv } from "../auth.ts";
import { buyerSecurity, json, jsonBody, refusals, routes } from "../openapi.ts";
import { CheckoutSession, Order } from "../schemas.ts";
import { requireJson } from "../validate.ts";
import { knownOrderId, orderId } from "./orders.ts";

/** The buyer's side of checkout, under `/orders/:orderId`: pay, pay with a test card, let the hold go. */
export function checkoutRoutes(
  checkout: Checkout,
  buyer: MiddlewareHandler<BuyerEnv>,
  /** Each checkout may call the payment provider: a buyer hammering it must not spend the account's quota. */
  limit: MiddlewareHandler<BuyerEnv>,
) {
  const start = createRoute({
    method: "post",
    path: "/{orderId}/checkout",
    tags: ["checkout"],
    summary: "Start paying for a held order",
    description: "Idempotent: the same payment for the same order, however often. Stripe adds `clientSecret`.",
    security: buyerSecurity,
    middleware: [buyer, limit],
    request: { params: orderId },
    responses: {
      200: json(z.object({ checkout: CheckoutSession }), "how to pay, and until when"),
      ...refusals("unauthorized", "order_not_found", "not_payable", "hold_expired", "payment_rejected", "rate_limited"),
    },
  });
  const testPayment = createRoute({
    method: "post",
    path: "/{orderId}/test-payment",
    tags: ["checkout"],
    summary: "Pay with a test card (only where the test provider is on: elsewhere `not_found`)",
    description: "`4242424242424242` confirms; `4000000000000002` is declined and the hold stays until its deadline.",
    security: buyerSecurity,
    middleware: [buyer, limit, requireJson],
    request: { params: orderId, body: jsonBody(TestPaymentBody) },
    responses: {
      200: json(z.object({ order: Order }), "the order, confirmed"),
      ...refusals(
        "invalid_request",
        "unauthorized",
        "order_not_found",
        "not_found",
        "payload_too_large",
        "payment_declined",
        "hold_expired",
        "not_payable",
        "rate_limited",
      ),
    },
  });
  const cancel = createRoute({
    method: "post",
    path: "/{orderId}/cancel",
    tags: ["checkout"],
    summary: "Let a hold go: its tickets are back on sale at once",
    security: buyerSecurity,
    middleware: [buyer, limit],
    request: { params: orderId },
    responses: {
      200: json(z.object({ order: Order }), "the order, cancelled"),
      ...refusals("unauthorized", "order_not_found", "not_cancellable", "rate_limited"),
    },
  });

  return routes<BuyerEnv>()
    .openapi(start, async (c) => {
      const id = knownOrderId(c.req.param("orderId"));
      c.header("Cache-Control", "private, no-store");
      return c.json({ checkout: await checkout.start(id, c.get("customerId")) }, 200);
    })
    .openapi(testPayment, async (c) => {
      const id = knownOrderId(c.req.param("orderId"));
      return c.json({ order: await checkout.payWithTestCard(id, c.get("customerId"), c.req.valid("json")) }, 200);
    })
    .openapi(cancel, async (c) => {
      const id = knownOrderId(c.req.param("orderId"));
      return c.json({ order: await checkout.cancel(id, c.get("customerId")) }, 200);
    });
}
