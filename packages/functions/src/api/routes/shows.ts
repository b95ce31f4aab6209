import { createRoute, z } from "@hono/zod-openapi";
import { HotSeatError } from "@hotseat/core/error";
import { IdempotencyKey } from "@hotseat/core/order";
import { ParsedPurchaseBody, type Sales } from "@hotseat/core/sale";
import { ShowId } from "@hotseat/core/show";
import type { Context, MiddlewareHandler, TypedResponse } from "hono";
import type { BuyerEnv } from "../auth.ts";
import { buyerSecurity, idParam, json, jsonBody, refusals, routes } from "../openapi.ts";
import { Availability, Order, ShowView } from "../schemas.ts";
import { requireJson, validHeaders } from "../validate.ts";

/** A malformed id names nothing that exists: 404, the same as an unknown one. */
export const knownShowId = (id: string) => {
  if (!ShowId.safeParse(id).success) throw new HotSeatError("show_not_found", `no show ${id}`);
  return id;
};

/** Shared by every poller for a second: what a CDN in front may keep (see infra/web.ts). */
export const availabilityHeaders = {
  "Content-Type": "application/json",
  "Cache-Control": "public, max-age=1, stale-while-revalidate=1",
};

/**
 * An availability answer from its JSON text: `Sales` serializes one read once for every poller
 * that shares it, so the route sends that text rather than an object to stringify again. The
 * cast only tells the router's types what that text is (the route's test parses it as `Availability`).
 */
const availabilityAnswer = (c: Context, text: string) =>
  c.body(text, 200, availabilityHeaders) as unknown as Response &
    TypedResponse<z.infer<typeof Availability>, 200, "json">;

const showId = z.object({ showId: idParam("showId", "shw_01JZ8Q3R4S5T6V7W8X9Y0Z1A2B") });
const idempotency = z.object({ "idempotency-key": IdempotencyKey });
/** A buyer's, and on the purchase route its validated Idempotency-Key (see `validHeaders`). */
type ShowsEnv = BuyerEnv & { Variables: { headers: z.output<typeof idempotency> } };
const idempotencyParameter = {
  in: "header" as const,
  name: "Idempotency-Key",
  required: true,
  description: "the buyer's retry key: a replay with the same key and body returns the same order and takes nothing",
  schema: { type: "string" as const, minLength: 8, maxLength: 128, pattern: "^[\\x21-\\x7e]+$" },
};

const list = createRoute({
  method: "get",
  path: "/",
  tags: ["shows"],
  summary: "The shows on sale",
  responses: { 200: json(z.object({ shows: z.array(ShowView) }), "shows on sale only (drafts are the promoter's)") },
});

const one = createRoute({
  method: "get",
  path: "/{showId}",
  tags: ["shows"],
  summary: "One show, with what is left of it",
  request: { params: showId },
  responses: { 200: json(z.object({ show: ShowView }), "the show"), ...refusals("show_not_found") },
});

const availability = createRoute({
  method: "get",
  path: "/{showId}/availability",
  tags: ["shows"],
  summary: "What is left: the poll every open show page makes",
  description: "Cacheable for a second (`Cache-Control: public, max-age=1`); answered from the space.",
  request: { params: showId },
  responses: {
    200: json(Availability, "remaining, held and whether it is sold out or on sale"),
    ...refusals("show_not_found", "rehydrating"),
  },
});

export interface ShowRoutesDeps {
  sales: Sales;
  buyer: MiddlewareHandler<BuyerEnv>;
  /** Spends the purchase rate limits (per customer, per address) before anything else is read. */
  limitPurchases: MiddlewareHandler<BuyerEnv>;
}

/** `/shows`: the catalogue, its availability polls, and purchases. */
export function showRoutes({ sales, buyer, limitPurchases }: ShowRoutesDeps) {
  const purchase = createRoute({
    method: "post",
    path: "/{showId}/orders",
    tags: ["orders"],
    summary: "Buy tickets",
    description:
      "The customer is the buyer token's, never the body's. A priced show answers `status: held` until paid; a free one `confirmed`.",
    security: buyerSecurity,
    middleware: [buyer, limitPurchases, validHeaders(idempotency), requireJson],
    parameters: [idempotencyParameter],
    request: { params: showId, body: jsonBody(ParsedPurchaseBody) },
    responses: {
      201: json(z.object({ order: Order }), "the order, new"),
      200: json(z.object({ order: Order }), "a replay: the same order (`Idempotent-Replayed: true`); nothing taken"),
      ...refusals(
        "invalid_request",
        "unauthorized",
        "show_not_found",
        "payload_too_large",
        "sold_out",
        "insufficient_inventory",
        "not_on_sale",
        "limit_exceeded",
        "idempotency_key_reused",
        "rate_limited",
        "rehydrating",
      ),
    },
  });

  return routes<ShowsEnv>()
    .openapi(list, async (c) => {
      c.header("Cache-Control", "public, max-age=2");
      return c.json({ shows: await sales.listShowsOnSale() }, 200);
    })
    .openapi(one, async (c) => {
      const show = await sales.getShow(knownShowId(c.req.param("showId")));
      c.header("Cache-Control", "public, max-age=1");
      return c.json({ show }, 200);
    })
    .openapi(availability, async (c) =>
      availabilityAnswer(c, await sales.availabilityJson(knownShowId(c.req.param("showId")))),
    )
    .openapi(purchase, async (c) => {
      const { order, created } = await sales.purchase({
        showId: knownShowId(c.req.param("showId")),
        customerId: c.get("customerId"),
        traceId: c.req.header("x-amzn-trace-id"),
        idempotencyKey: c.get("headers")["idempotency-key"],
        parsedBody: c.req.valid("json"),
        correlationId: c.get("requestId"),
      });
      if (!created) c.header("Idempotent-Replayed", "true");
      return created ? c.json({ order }, 201) : c.json({ order }, 200);
    });
}
