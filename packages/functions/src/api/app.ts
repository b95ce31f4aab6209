import type { BuyerAuth } from "@hotseat/core/buyer";
import type { Checkout } from "@hotseat/core/checkout";
import { HotSeatError } from "@hotseat/core/error";
import { log } from "@hotseat/core/log";
import { IdempotencyKey } from "@hotseat/core/order";
import { ParsedPurchaseBody, type Sales } from "@hotseat/core/sale";
import { CreateShowInput, ShowId } from "@hotseat/core/show";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { z } from "zod";
import type { ProcessMetrics } from "../metrics.ts";
import { authRoutes, type BuyerEnv, requireBuyer, type SignInLimits } from "./auth.ts";
import { limitBody } from "./body-limit.ts";
import { checkoutRoutes, knownOrderId, webhookRoutes } from "./checkout.ts";
import { errorResponse } from "./errors.ts";
import { type AddressOptions, clientAddress, consume, type LimitStore, limiter, type RateLimit } from "./rate-limit.ts";
import { validate, validateHeaders } from "./validate.ts";

export interface ApiDeps {
  sales: Sales;
  buyers: BuyerAuth;
  checkout: Checkout;
  adminToken: string;
  /** Reports each part's readiness; throws or returns ok:false when the space is unreachable. */
  health: () => Promise<{ ok: boolean; parts: Record<string, string> }>;
  maxBodyBytes?: number;
  /** Where rate-limit counters live (the space's Redis); in this process when omitted. */
  rateLimitStore?: LimitStore;
  /** Purchase attempts per verified customer; defaults to 120 a minute. */
  purchaseRateLimit?: RateLimit;
  /**
   * Purchase attempts per client address; defaults to 20 times the per-customer limit, because a
   * carrier's NAT puts thousands of real buyers behind one address.
   */
  addressRateLimit?: RateLimit;
  signInLimits?: SignInLimits;
  address?: AddressOptions;
  /**
   * The API's metrics counted in this process (`GET /admin/metrics`): what the local stack shows in
   * the admin console. On Lambda the handler writes them as CloudWatch EMF instead.
   */
  metrics?: ProcessMetrics;
}

const idempotencyHeader = z.object({ "idempotency-key": IdempotencyKey });

/** A malformed id names nothing that exists: 404, the same as an unknown one. */
const knownShowId = (id: string) => {
  if (!ShowId.safeParse(id).success) throw new HotSeatError("show_not_found", `no show ${id}`);
  return id;
};

export function createApp(deps: ApiDeps) {
  const app = new Hono();
  const buyer = requireBuyer(deps.buyers);
  const perCustomer = deps.purchaseRateLimit ?? { points: 120, windowSeconds: 60 };
  const purchasesPerCustomer = limiter(deps.rateLimitStore, "purchase-customer", perCustomer);
  const checkoutsPerCustomer = limiter(deps.rateLimitStore, "checkout-customer", perCustomer);
  // Each checkout may call the payment provider: a buyer hammering it must not spend the account's quota.
  const limitCheckout: MiddlewareHandler<BuyerEnv> = async (c, next) => {
    await consume("checkout attempts", [[checkoutsPerCustomer, c.get("customerId")]]);
    await next();
  };
  const purchasesPerAddress = limiter(
    deps.rateLimitStore,
    "purchase-address",
    deps.addressRateLimit ?? { points: perCustomer.points * 20, windowSeconds: perCustomer.windowSeconds },
  );
  const maxBody = deps.maxBodyBytes ?? 8 * 1024;

  app.onError(errorResponse);
  app.notFound((c) => c.json({ code: "not_found", message: `no route ${c.req.method} ${c.req.path}` }, 404));

  const availabilityHeaders = {
    "Content-Type": "application/json",
    "Cache-Control": "public, max-age=1, stale-while-revalidate=1",
  };
  const pollHeaders = { ...availabilityHeaders, "Access-Control-Allow-Origin": "*" };
  const availabilityOf = (showId: string) => deps.sales.availabilityJson(knownShowId(showId));
  // Availability polls are most of the traffic (every open show page, every second). A GET of one
  // goes to an app of its own with that single route (see the end of this function): with nothing
  // else matched, Hono calls the handler directly, and none of the middleware below runs (for a GET
  // it only adds the CORS header, which this response carries itself). Its headers are a plain
  // object, which keeps @hono/node-server on its fast path; an error gets the CORS header and the
  // same `onError`. Most polls find a fresh shared read already answered and wait on nothing. HEAD
  // goes through the main app.
  const polls = new Hono();
  polls.onError((e, c) => {
    c.header("Access-Control-Allow-Origin", "*");
    return errorResponse(e, c);
  });
  polls.get("/shows/:showId/availability", (c) => {
    const showId = c.req.param("showId");
    const ready = deps.sales.availabilityJsonReady(showId);
    if (ready !== undefined) return new Response(ready, { headers: pollHeaders });
    return pollRead(showId);
  });
  const pollRead = async (showId: string) => new Response(await availabilityOf(showId), { headers: pollHeaders });

  // Writes carry a correlation id from the request through the pump into the writer's logs;
  // reads, the bulk of the traffic, skip it.
  const correlate = requestId({ headerName: "X-Correlation-Id", limitLength: 128 });
  app.use((c, next) => (c.req.method === "GET" ? next() : correlate(c, next)));
  const exposeHeaders = ["Retry-After", "X-Correlation-Id", "Idempotent-Replayed"];
  const preflight = cors({
    origin: "*",
    allowHeaders: ["Content-Type", "Authorization", "Idempotency-Key", "X-Correlation-Id"],
    exposeHeaders,
    maxAge: 600,
  });
  // Hono's cors() writes to `c.res` before the handler runs, which pushes @hono/node-server off its
  // fast response path; outside preflights the same two headers are set ahead of the response.
  app.use(async (c, next) => {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    c.header("Access-Control-Allow-Origin", "*");
    if (c.req.method !== "GET") c.header("Access-Control-Expose-Headers", exposeHeaders.join(","));
    await next();
  });
  const metrics = deps.metrics;
  if (metrics)
    app.use(async (c, next) => {
      await next();
      metrics.answer(c.req.method, c.req.path, c.res.status);
    });
  // Stripe's events are larger than any request of a buyer's; they come signed, and nothing else reaches that route.
  const bodyLimit = limitBody(maxBody);
  const webhookBodyLimit = limitBody(256 * 1024);
  app.use((c, next) => (c.req.path.startsWith("/webhooks/") ? webhookBodyLimit(c, next) : bodyLimit(c, next)));

  // Up or down, and which part: never a client library's error text, which names hosts and ports.
  app.get("/health", async (c) => {
    try {
      const h = await deps.health();
      if (h.ok) return c.json({ status: "ok", ...h.parts });
      return c.json({ code: "unavailable", message: "not ready", status: "degraded", ...h.parts }, 503);
    } catch (e) {
      log.warn("health.down", { error: String((e as Error)?.message ?? e) });
      return c.json({ code: "unavailable", message: "the space is unreachable", status: "down" }, 503);
    }
  });

  const shows = new Hono<BuyerEnv>()
    .get("/", async (c) => {
      c.header("Cache-Control", "public, max-age=2");
      return c.json({ shows: await deps.sales.listShowsOnSale() });
    })
    .get("/:showId", async (c) => {
      const show = await deps.sales.getShow(knownShowId(c.req.param("showId")));
      c.header("Cache-Control", "public, max-age=1");
      return c.json({ show });
    })
    .get("/:showId/availability", async (c) =>
      c.body(await availabilityOf(c.req.param("showId")), 200, availabilityHeaders),
    )
    .post(
      "/:showId/orders",
      buyer,
      async (c, next) => {
        await consume("purchase attempts", [
          [purchasesPerCustomer, c.get("customerId")],
          [purchasesPerAddress, clientAddress(c, deps.address)],
        ]);
        await next();
      },
      validateHeaders(idempotencyHeader),
      validate("json", ParsedPurchaseBody),
      async (c) => {
        const showId = knownShowId(c.req.param("showId"));
        const { order, created } = await deps.sales.purchase({
          showId,
          customerId: c.get("customerId"),
          traceId: c.req.header("x-amzn-trace-id"),
          idempotencyKey: c.req.valid("header")["idempotency-key"],
          parsedBody: c.req.valid("json"),
          correlationId: c.get("requestId"),
        });
        if (!created) c.header("Idempotent-Replayed", "true");
        return c.json({ order }, created ? 201 : 200);
      },
    );

  const orders = new Hono<BuyerEnv>().get("/:orderId", buyer, async (c) => {
    const orderId = knownOrderId(c.req.param("orderId"));
    c.header("Cache-Control", "private, no-store");
    return c.json({ order: await deps.sales.getOrder(orderId, c.get("customerId")) });
  });

  const me = new Hono<BuyerEnv>().get("/orders", buyer, async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({ orders: await deps.sales.customerOrders(c.get("customerId")) });
  });

  const unauthorized = { code: "unauthorized", message: "admin routes need Authorization: Bearer <admin token>" };
  const admin = new Hono()
    .use(
      bearerAuth({
        token: deps.adminToken,
        noAuthenticationHeader: { message: unauthorized },
        // A header that is not "Bearer <token>" is still a missing credential: 401, not 400.
        invalidAuthenticationHeader: { message: (c: Context) => c.json(unauthorized, 401) },
        invalidToken: { message: { code: "unauthorized", message: "wrong admin token" } },
      }),
    )
    .get("/shows", async (c) => {
      c.header("Cache-Control", "no-store");
      return c.json({ shows: await deps.sales.listShows() });
    })
    .post("/shows", validate("json", CreateShowInput), async (c) => {
      return c.json({ show: await deps.sales.createShow(c.req.valid("json")) }, 201);
    })
    .post("/shows/:showId/preload", async (c) => {
      return c.json(await deps.sales.preload(knownShowId(c.req.param("showId"))));
    })
    .post("/orders/:orderId/refund", async (c) => {
      return c.json({ order: await deps.checkout.refund(knownOrderId(c.req.param("orderId"))) });
    })
    .get("/metrics", async (c) => {
      c.header("Cache-Control", "no-store");
      if (!metrics) throw new HotSeatError("not_found", "this API's metrics go to CloudWatch, not here");
      return c.json(await metrics.snapshot());
    })
    .get("/shows/:showId/stats", async (c) => {
      c.header("Cache-Control", "no-store");
      return c.json(await deps.sales.stats(knownShowId(c.req.param("showId"))));
    });

  app.route(
    "/auth",
    authRoutes(deps.buyers, { store: deps.rateLimitStore, limits: deps.signInLimits, address: deps.address }),
  );
  app.route("/shows", shows);
  app.route("/orders", orders);
  app.route("/orders", checkoutRoutes(deps.checkout, buyer, limitCheckout));
  app.route("/webhooks", webhookRoutes(deps.checkout));
  app.route("/me", me);
  app.route("/admin", admin);

  const all = app.fetch;
  app.fetch = (request, env, ctx) =>
    request.method === "GET" && isPoll.test(request.url) ? polls.fetch(request, env, ctx) : all(request, env, ctx);
  return app;
}

/** `GET /shows/:showId/availability` (any query string), from the request's absolute URL. */
const isPoll = /^[a-z]+:\/\/[^/]+\/shows\/[^/?#]+\/availability(?:\?|$)/;
export type App = ReturnType<typeof createApp>;
