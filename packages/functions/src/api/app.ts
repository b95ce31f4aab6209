import { OpenAPIHono } from "@hono/zod-openapi";
import type { BuyerAuth } from "@hotseat/core/buyer";
import type { Checkout } from "@hotseat/core/checkout";
import { HotSeatError } from "@hotseat/core/error";
import type { Sales } from "@hotseat/core/sale";
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import type { ProcessMetrics } from "../metrics.ts";
import type { Runtime } from "../runtime.ts";
import { type BuyerEnv, requireBuyer, type SignInLimits } from "./auth.ts";
import { limitBody } from "./body-limit.ts";
import { referenceRoutes } from "./docs.ts";
import { errorResponse } from "./errors.ts";
import { availabilityPolls, isAvailabilityPoll } from "./poll.ts";
import { type AddressOptions, clientAddress, consume, type LimitStore, limiter, type RateLimit } from "./rate-limit.ts";
import { adminRoutes } from "./routes/admin.ts";
import { authRoutes } from "./routes/auth.ts";
import { checkoutRoutes } from "./routes/checkout.ts";
import { type HealthCheck, healthRoutes } from "./routes/health.ts";
import { myOrderRoutes, orderRoutes } from "./routes/orders.ts";
import { showRoutes } from "./routes/shows.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { refuseInvalid } from "./validate.ts";

export interface ApiDeps {
  sales: Sales;
  buyers: BuyerAuth;
  checkout: Checkout;
  adminToken: string;
  /** Reports each part's readiness; throws or returns ok:false when the space is unreachable. */
  health: HealthCheck;
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

/**
 * The HotSeat API: every resource's routes (./routes, one file each, declared for the OpenAPI
 * document), the middleware every answer shares, and the availability poll's fast path.
 */
export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: refuseInvalid });
  const buyer = requireBuyer(deps.buyers);

  const perCustomer = deps.purchaseRateLimit ?? { points: 120, windowSeconds: 60 };
  const purchasesPerCustomer = limiter(deps.rateLimitStore, "purchase-customer", perCustomer);
  const purchasesPerAddress = limiter(
    deps.rateLimitStore,
    "purchase-address",
    deps.addressRateLimit ?? { points: perCustomer.points * 20, windowSeconds: perCustomer.windowSeconds },
  );
  const limitPurchases: MiddlewareHandler<BuyerEnv> = async (c, next) => {
    await consume("purchase attempts", [
      [purchasesPerCustomer, c.get("customerId")],
      [purchasesPerAddress, clientAddress(c, deps.address)],
    ]);
    await next();
  };
  const checkoutsPerCustomer = limiter(deps.rateLimitStore, "checkout-customer", perCustomer);
  const limitCheckout: MiddlewareHandler<BuyerEnv> = async (c, next) => {
    await consume("checkout attempts", [[checkoutsPerCustomer, c.get("customerId")]]);
    await next();
  };

  app.onError(errorResponse);
  app.notFound((c) => {
    throw new HotSeatError("not_found", `no route ${c.req.method} ${c.req.path}`);
  });

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
  // fast response path; outside preflights the same headers are set ahead of the response.
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
  const bodyLimit = limitBody(deps.maxBodyBytes ?? 8 * 1024);
  const webhookBodyLimit = limitBody(256 * 1024);
  app.use((c, next) => (c.req.path.startsWith("/webhooks/") ? webhookBodyLimit(c, next) : bodyLimit(c, next)));

  app.route("/health", healthRoutes(deps.health));
  app.route(
    "/auth",
    authRoutes(deps.buyers, { store: deps.rateLimitStore, limits: deps.signInLimits, address: deps.address }),
  );
  app.route("/shows", showRoutes({ sales: deps.sales, buyer, limitPurchases }));
  app.route("/orders", orderRoutes(deps.sales, buyer));
  app.route("/orders", checkoutRoutes(deps.checkout, buyer, limitCheckout));
  app.route("/me", myOrderRoutes(deps.sales, buyer));
  app.route("/webhooks", webhookRoutes(deps.checkout));
  app.route("/admin", adminRoutes({ ...deps, metrics }));
  app.route("/", referenceRoutes(app));

  // The availability poll skips the router and the middleware above (see ./poll.ts): `app.fetch`
  // is what both servers call (@hono/node-server locally, hono/aws-lambda on AWS); `app.request`,
  // which the tests use, goes through it too.
  const polls = availabilityPolls(deps.sales);
  const all = app.fetch;
  app.fetch = (request, env, ctx) =>
    isAvailabilityPoll(request) ? polls.fetch(request, env, ctx) : all(request, env, ctx);
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * The API on a composed runtime, as every server of it builds it (the Lambda, the local stack, the
 * bench's and the nemesis's API processes): the runtime's sale, buyers, checkout and Redis, the
 * configured admin token, and a health check of the space; `overrides` for what a server sets itself.
 */
export function appFor(runtime: Runtime, overrides: Partial<ApiDeps> = {}): App {
  return createApp({
    sales: runtime.sales,
    buyers: runtime.buyers,
    checkout: runtime.checkout,
    rateLimitStore: runtime.redis,
    adminToken: runtime.config.adminToken,
    health: async () => {
      const up = await runtime.space.ping();
      return { ok: up, parts: { space: up ? "up" : "down" } };
    },
    ...overrides,
  });
}
