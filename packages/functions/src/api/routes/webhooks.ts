import { createRoute } from "@hono/zod-openapi";
import type { Checkout } from "@hotseat/core/checkout";
import { json, refusals, routes } from "../openapi.ts";
import { WebhookReceived } from "../schemas.ts";

const stripe = createRoute({
  method: "post",
  path: "/stripe",
  tags: ["webhooks"],
  summary: "Stripe's events: signature verified, applied once however often they come",
  // Described, not validated: the body is read raw, byte for byte as Stripe signed it.
  requestBody: {
    required: true,
    content: { "application/json": { schema: { type: "object", description: "a Stripe event" } } },
  },
  parameters: [{ in: "header", name: "Stripe-Signature", required: true, schema: { type: "string" } }],
  responses: {
    200: json(WebhookReceived, "acknowledged (`outcome` says what it changed, if anything)"),
    ...refusals("invalid_signature", "not_found", "payload_too_large"),
  },
});

/** `POST /webhooks/stripe`. */
export function webhookRoutes(checkout: Checkout) {
  return routes().openapi(stripe, async (c) => {
    const payload = await c.req.text();
    return c.json(await checkout.stripeWebhook(payload, c.req.header("stripe-signature")), 200);
  });
}
