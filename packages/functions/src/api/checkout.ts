import { type Checkout, TestPaymentBody } from "@hotseat/core/checkout";
import { HotSeatError } from "@hotseat/core/error";
import { OrderId } from "@hotseat/core/order";
import { Hono, type MiddlewareHandler } from "hono";
import type { BuyerEnv } from "./auth.ts";
import { validate } from "./validate.ts";

/** A malformed id names nothing that exists: 404, the same as an unknown one. */
export const knownOrderId = (id: string) => {
  if (!OrderId.safeParse(id).success) throw new HotSeatError("order_not_found", `no order ${id}`);
  return id;
};

/** The buyer's side of checkout, under `/orders/:orderId`: pay, pay with a test card, let the hold go. */
export function checkoutRoutes(
  checkout: Checkout,
  buyer: MiddlewareHandler<BuyerEnv>,
  limit: MiddlewareHandler<BuyerEnv>,
) {
  return new Hono<BuyerEnv>()
    .post("/:orderId/checkout", buyer, limit, async (c) => {
      const orderId = knownOrderId(c.req.param("orderId"));
      c.header("Cache-Control", "private, no-store");
      return c.json({ checkout: await checkout.start(orderId, c.get("customerId")) });
    })
    .post("/:orderId/test-payment", buyer, limit, validate("json", TestPaymentBody), async (c) => {
      const orderId = knownOrderId(c.req.param("orderId"));
      return c.json({ order: await checkout.payWithTestCard(orderId, c.get("customerId"), c.req.valid("json")) });
    })
    .post("/:orderId/cancel", buyer, limit, async (c) => {
      const orderId = knownOrderId(c.req.param("orderId"));
      return c.json({ order: await checkout.cancel(orderId, c.get("customerId")) });
    });
}

/** `POST /webhooks/stripe`: the raw body, as Stripe signed it. */
export function webhookRoutes(checkout: Checkout) {
  return new Hono().post("/stripe", async (c) => {
    const payload = await c.req.text();
    return c.json(await checkout.stripeWebhook(payload, c.req.header("stripe-signature")));
  });
}
