import { createRoute, z } from "@hono/zod-openapi";
import { type Checkout, TestPaymentBody } from "@hotseat/core/checkout";
import type { MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import type { BuyerEnv } from "../auth.ts";
import { buyerSecurity, json, jsonBody, refusals, routes } from "../openapi.ts";
import { CheckoutSession, Order } from "../schemas.ts";
import { requireJson } from "../validate.ts";
import { knownOrderId, orderId } from "./orders.ts";

type OrderEnv = { Variables: BuyerEnv["Variables"] & { orderId: string } };

/** The buyer's side of checkout, under `/orders/:orderId`: pay, pay with a test card, let the hold go. */
export function checkoutRoutes(
  checkout: Checkout,
  buyer: MiddlewareHandler<BuyerEnv>,
  /** Each checkout may call the payment provider: a buyer hammering it must not spend the account's quota. */
  limit: MiddlewareHandler<BuyerEnv>,
) {
  // Every checkout route's guard, in this order: a signed-in buyer, within the checkout limit, naming a
  // well-formed order id. Whether the order is this buyer's is checkout's to say (another's is not found).
  const knownOrder: MiddlewareHandler<OrderEnv> = async (c, next) => {
    c.set("orderId", knownOrderId(c.req.param("orderId") ?? ""));
    await next();
  };
  const ownersOrder = every(buyer, limit, knownOrder) as MiddlewareHandler<OrderEnv>;
  const owner = {
    method: "post" as const,
    tags: ["checkout"],
    security: buyerSecurity,
    request: { params: orderId },
    middleware: ownersOrder,
  };
  const guardRefusals = ["unauthorized", "order_not_found", "rate_limited"] as const;

  const start = createRoute({
    ...owner,
    path: "/{orderId}/checkout",
    summary: "Start paying for a held order",
    description: "Idempotent: the same payment for the same order, however often. Stripe adds `clientSecret`.",
    responses: {
      200: json(z.object({ checkout: CheckoutSession }), "how to pay, and until when"),
      ...refusals(...guardRefusals, "not_payable", "hold_expired", "payment_rejected"),
    },
  });
  const testPayment = createRoute({
    ...owner,
    path: "/{orderId}/test-payment",
    summary: "Pay with a test card (only where the test provider is on: elsewhere `not_found`)",
    description: "`4242424242424242` confirms; `4000000000000002` is declined and the hold stays until its deadline.",
    middleware: [ownersOrder, requireJson],
    request: { params: orderId, body: jsonBody(TestPaymentBody) },
    responses: {
      200: json(z.object({ order: Order }), "the order, confirmed"),
      ...refusals(
        ...guardRefusals,
        "invalid_request",
        "not_found",
        "payload_too_large",
        "payment_declined",
        "hold_expired",
        "not_payable",
      ),
    },
  });
  const cancel = createRoute({
    ...owner,
    path: "/{orderId}/cancel",
    summary: "Let a hold go: its tickets are back on sale at once",
    responses: {
      200: json(z.object({ order: Order }), "the order, cancelled"),
      ...refusals(...guardRefusals, "not_cancellable"),
    },
  });

  return routes<OrderEnv>()
    .openapi(start, async (c) => {
      c.header("Cache-Control", "private, no-store");
      return c.json({ checkout: await checkout.start(c.get("orderId"), c.get("customerId")) }, 200);
    })
    .openapi(testPayment, async (c) => {
      const order = await checkout.payWithTestCard(c.get("orderId"), c.get("customerId"), c.req.valid("json"));
      return c.json({ order }, 200);
    })
    .openapi(cancel, async (c) => {
      return c.json({ order: await checkout.cancel(c.get("orderId"), c.get("customerId")) }, 200);
    });
}
