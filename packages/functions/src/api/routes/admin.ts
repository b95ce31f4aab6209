import { createRoute, z } from "@hono/zod-openapi";
import type { Checkout } from "@hotseat/core/checkout";
import { HotSeatError } from "@hotseat/core/error";
import type { Sales } from "@hotseat/core/sale";
import { CreateShowInput } from "@hotseat/core/show";
import type { Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { ProcessMetrics } from "../../metrics.ts";
import { adminSecurity, idParam, json, jsonBody, refusals, routes } from "../openapi.ts";
import { Metrics, Order, Preloaded, Show, ShowStats, ShowView } from "../schemas.ts";
import { requireJson } from "../validate.ts";
import { knownOrderId, orderId } from "./orders.ts";
import { knownShowId } from "./shows.ts";

export interface AdminRoutesDeps {
  sales: Sales;
  checkout: Checkout;
  adminToken: string;
  /** Counted in this process (the local stack's console); on Lambda the metrics go to CloudWatch instead. */
  metrics?: ProcessMetrics;
}

const showId = z.object({ showId: idParam("showId", "shw_01JZ8Q3R4S5T6V7W8X9Y0Z1A2B") });
const admin = { tags: ["admin"], security: adminSecurity };

const listShows = createRoute({
  ...admin,
  method: "get",
  path: "/shows",
  summary: "Every show, drafts included",
  responses: { 200: json(z.object({ shows: z.array(ShowView) }), "every show"), ...refusals("unauthorized") },
});
const createShow = createRoute({
  ...admin,
  method: "post",
  path: "/shows",
  summary: "Create a show: stored as a draft, not yet on sale",
  middleware: requireJson,
  request: { body: jsonBody(CreateShowInput) },
  responses: {
    201: json(z.object({ show: Show }), "the show, a draft"),
    ...refusals("invalid_request", "unauthorized", "payload_too_large"),
  },
});
const preload = createRoute({
  ...admin,
  method: "post",
  path: "/shows/{showId}/preload",
  summary: "Put a show on sale: its stock into the space (idempotent)",
  request: { params: showId },
  responses: {
    200: json(Preloaded, "on sale, with what is left"),
    ...refusals("unauthorized", "show_not_found", "rehydrating"),
  },
});
const refund = createRoute({
  ...admin,
  method: "post",
  path: "/orders/{orderId}/refund",
  summary: "Refund a confirmed order: its tickets go back on sale",
  request: { params: orderId },
  responses: {
    200: json(z.object({ order: Order }), "the order, refunded"),
    ...refusals("unauthorized", "order_not_found", "not_refundable"),
  },
});
const metricsRoute = createRoute({
  ...admin,
  method: "get",
  path: "/metrics",
  summary: "This process's API metrics (the local stack; on AWS they are in CloudWatch)",
  responses: { 200: json(Metrics, "counts since `since`"), ...refusals("unauthorized", "not_found") },
});
const stats = createRoute({
  ...admin,
  method: "get",
  path: "/shows/{showId}/stats",
  summary: "A show's sale in numbers: taken, held, persisted, pending, the last five minutes",
  request: { params: showId },
  responses: { 200: json(ShowStats, "the show's counts"), ...refusals("unauthorized", "show_not_found") },
});

/** `/admin`: the promoter's routes, every one behind the admin bearer token (buyer tokens are not it). */
export function adminRoutes({ sales, checkout, adminToken, metrics }: AdminRoutesDeps) {
  const unauthorized = { code: "unauthorized", message: "admin routes need Authorization: Bearer <admin token>" };
  const app = routes();
  app.use(
    bearerAuth({
      token: adminToken,
      noAuthenticationHeader: { message: unauthorized },
      // A header that is not "Bearer <token>" is still a missing credential: 401, not 400.
      invalidAuthenticationHeader: { message: (c: Context) => c.json(unauthorized, 401) },
      invalidToken: { message: { code: "unauthorized", message: "wrong admin token" } },
    }),
  );
  return app
    .openapi(listShows, async (c) => {
      c.header("Cache-Control", "no-store");
      return c.json({ shows: await sales.listShows() }, 200);
    })
    .openapi(createShow, async (c) => c.json({ show: await sales.createShow(c.req.valid("json")) }, 201))
    .openapi(preload, async (c) => c.json(await sales.preload(knownShowId(c.req.param("showId"))), 200))
    .openapi(refund, async (c) => c.json({ order: await checkout.refund(knownOrderId(c.req.param("orderId"))) }, 200))
    .openapi(metricsRoute, async (c) => {
      c.header("Cache-Control", "no-store");
      if (!metrics) throw new HotSeatError("not_found", "this API's metrics go to CloudWatch, not here");
      return c.json(await metrics.snapshot(), 200);
    })
    .openapi(stats, async (c) => {
      c.header("Cache-Control", "no-store");
      return c.json(await sales.stats(knownShowId(c.req.param("showId"))), 200);
    });
}
