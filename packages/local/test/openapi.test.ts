import { Validator } from "@seriousme/openapi-schema-validator";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { type StripeStandIn, startStripeStandIn } from "../src/stripe-standin.ts";
import { type RequestOptions, startTestStack, type TestStack } from "../src/testing.ts";

// The API's OpenAPI document: valid OpenAPI 3.1, naming every route the app serves, and true: each
// route is driven through a real local stack and every answer is parsed with the schema the route
// declares for that status. A route answering a status it does not declare, or a body its schema
// refuses, fails here.

const webhookSecret = "whsec_test_openapi";
let t: TestStack;
/** A second stack with Stripe as the provider (against the stand-in), for the webhook and Stripe's checkout. */
let s: TestStack;
let standIn: StripeStandIn;
beforeAll(async () => {
  standIn = await startStripeStandIn();
  [t, s] = await Promise.all([
    startTestStack(),
    startTestStack({
      payments: {
        provider: "stripe",
        currency: "eur",
        stripe: { secretKey: "sk_test_standin", webhookSecret, apiUrl: standIn.url },
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), s?.stop()]);
  await standIn?.stop();
});

interface DeclaredRoute {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema: ZodType }> }>;
}
const declaredRoutes = (stack: TestStack) =>
  stack.stack.app.openAPIRegistry.definitions.flatMap((d) =>
    d.type === "route" ? [d.route as unknown as DeclaredRoute] : [],
  );
const operation = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** Statuses each operation was seen answering, across the whole file. */
const answered = new Map<string, Set<number>>();

/**
 * Calls `template` (an OpenAPI path) with `params`, expects `status`, and checks the answer against
 * what the route declares for it: the status, the media type and, for JSON, the body's schema.
 */
async function call(
  stack: TestStack,
  method: string,
  template: string,
  status: number,
  options: RequestOptions & { params?: Record<string, string> } = {},
) {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => options.params?.[name] ?? `missing-${name}`);
  const res = await stack.request(method, path, options);
  const name = operation(method, template);
  expect(res.status, `${name} (${path}): ${JSON.stringify(res.body)}`).toBe(status);
  const route = declaredRoutes(stack).find((r) => operation(r.method, r.path) === name);
  expect(route, `${name} is declared`).toBeDefined();
  const declared = route?.responses[String(status)];
  expect(declared, `${name} declares ${status}`).toBeDefined();
  const contentType = res.headers.get("content-type") ?? "";
  const media = Object.keys(declared?.content ?? {});
  expect(
    media.some((m) => contentType.startsWith(m)),
    `${name} ${status}: ${contentType} is one of ${media}`,
  ).toBe(true);
  const schema = declared?.content?.["application/json"]?.schema;
  if (contentType.startsWith("application/json") && schema) {
    const parsed = schema.safeParse(res.body);
    expect(parsed.success, `${name} ${status}: ${parsed.error?.message} in ${JSON.stringify(res.body)}`).toBe(true);
  }
  answered.set(name, (answered.get(name) ?? new Set()).add(status));
  return res;
}

const missingShow = "shw_01M8K746YHNN6VVTREMPNQJXK9";
const missingOrder = "ord_01M8K746YHNN6VVTREMPNQJXK9";
const newShow = (input: Record<string, unknown> = {}) => ({
  name: "Documented",
  venue: "Hall",
  startsAt: "2027-03-01T20:00:00Z",
  capacity: 3,
  priceCents: 0,
  maxPerCustomer: 2,
  ...input,
});

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const doc = (await call(t, "GET", "/openapi.json", 200)).body;
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("names every route the app serves, and only those", async () => {
    const doc = (await t.request("GET", "/openapi.json")).body;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => operation(method, path)),
    );
    const served = t.stack.app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => operation(r.method, r.path.replace(/:(\w+)/g, "{$1}")));
    expect(new Set(served).size).toBeGreaterThanOrEqual(20);
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
  });

  it("declares each route's errors as {code, message}, under the status the API answers them with", async () => {
    const doc = (await t.request("GET", "/openapi.json")).body;
    const purchase = doc.paths["/shows/{showId}/orders"].post;
    for (const status of ["400", "401", "404", "409", "413", "422", "429", "503"])
      expect(purchase.responses[status]?.content["application/json"].schema, status).toEqual({
        $ref: "#/components/schemas/Error",
      });
    expect(purchase.responses["409"].description).toMatch(/sold_out.*insufficient_inventory.*not_on_sale/);
    expect(doc.components.schemas.Error.required).toEqual(["code", "message"]);
    expect(purchase.parameters).toContainEqual(expect.objectContaining({ in: "header", name: "Idempotency-Key" }));
    expect(purchase.requestBody.content["application/json"].schema.properties.quantity).toMatchObject({
      type: "integer",
      minimum: 1,
    });
  });

  it("serves a reference page from the API itself, under a policy that lets in nothing from elsewhere", async () => {
    const page = await call(t, "GET", "/docs", 200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/https?:/);
    const html = page.body.raw as string;
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1] as string)
      .filter((source) => !source.startsWith("data:"));
    expect(sources.sort()).toEqual(["docs/reference.js", "docs/swagger-ui-bundle.js", "docs/swagger-ui.css"]);
    for (const source of sources) {
      const asset = await call(t, "GET", "/docs/{asset}", 200, { params: { asset: source.slice("docs/".length) } });
      expect((asset.body.raw as string).length, source).toBeGreaterThan(100);
    }
    await call(t, "GET", "/docs/{asset}", 404, { params: { asset: "..%2Fpackage.json" } });
    await call(t, "GET", "/docs/{asset}", 404, { params: { asset: "index.html" } });
  });
});

describe("every route answers with the shapes it declares", () => {
  it("health, shows and purchases", async () => {
    await call(t, "GET", "/health", 200);
    await call(t, "POST", "/admin/shows", 401, { body: newShow() });
    await call(t, "POST", "/admin/shows", 400, { admin: true, body: newShow({ capacity: 0 }) });
    await call(t, "POST", "/admin/shows", 413, { admin: true, body: newShow({ name: "x".repeat(20_000) }) });
    const show = (await call(t, "POST", "/admin/shows", 201, { admin: true, body: newShow() })).body.show;
    const params = { showId: show.id };
    await call(t, "GET", "/admin/shows", 200, { admin: true });
    await call(t, "GET", "/shows/{showId}", 200, { params });
    await call(t, "POST", "/shows/{showId}/orders", 409, {
      params,
      as: "early",
      body: { quantity: 1 },
      idempotencyKey: "early-key-1",
    });
    await call(t, "POST", "/admin/shows/{showId}/preload", 200, { admin: true, params });
    await call(t, "POST", "/admin/shows/{showId}/preload", 404, { admin: true, params: { showId: missingShow } });
    await call(t, "GET", "/shows", 200);
    await call(t, "GET", "/shows/{showId}", 404, { params: { showId: "nope" } });
    await call(t, "GET", "/shows/{showId}/availability", 200, { params });
    await call(t, "GET", "/shows/{showId}/availability", 404, { params: { showId: missingShow } });

    const buy = (as: string, quantity: number, key: string, status: number) =>
      call(t, "POST", "/shows/{showId}/orders", status, { params, as, body: { quantity }, idempotencyKey: key });
    const order = (await buy("doc-ada", 2, "doc-ada-key-1", 201)).body.order;
    await buy("doc-ada", 2, "doc-ada-key-1", 200);
    await buy("doc-ada", 1, "doc-ada-key-2", 422);
    await buy("doc-ada", 1, "doc-ada-key-1", 422);
    await buy("doc-bob", 2, "doc-bob-key-1", 409);
    await call(t, "POST", "/shows/{showId}/orders", 400, { params, as: "doc-bob", body: { quantity: 1 } });
    await call(t, "POST", "/shows/{showId}/orders", 401, { params, body: { quantity: 1 }, idempotencyKey: "k-000001" });
    await call(t, "POST", "/shows/{showId}/orders", 404, {
      params: { showId: missingShow },
      as: "doc-bob",
      body: { quantity: 1 },
      idempotencyKey: "doc-bob-key-2",
    });
    await buy("doc-bob", 1, "doc-bob-key-3", 201);
    await buy("doc-cy", 1, "doc-cy-key-1", 409);

    await call(t, "GET", "/orders/{orderId}", 200, { params: { orderId: order.id }, as: "doc-ada" });
    await call(t, "GET", "/orders/{orderId}", 404, { params: { orderId: order.id }, as: "doc-bob" });
    await call(t, "GET", "/orders/{orderId}", 401, { params: { orderId: order.id } });
    await call(t, "GET", "/me/orders", 200, { as: "doc-ada" });
    await call(t, "GET", "/me/orders", 401);
    await call(t, "GET", "/admin/shows/{showId}/stats", 200, { admin: true, params });
    await call(t, "GET", "/admin/shows/{showId}/stats", 404, { admin: true, params: { showId: missingShow } });
    await call(t, "GET", "/admin/metrics", 200, { admin: true });
  });

  it("checkout, test payments, cancel and refund", async () => {
    const show = (await call(t, "POST", "/admin/shows", 201, { admin: true, body: newShow({ priceCents: 2500 }) })).body
      .show;
    await t.preload(show.id);
    const hold = async (as: string) =>
      (
        await call(t, "POST", "/shows/{showId}/orders", 201, {
          params: { showId: show.id },
          as,
          body: { quantity: 1 },
          idempotencyKey: `${as}-hold-key`,
        })
      ).body.order;
    const paid = await hold("doc-pay");
    const orderId = { orderId: paid.id };
    await call(t, "POST", "/orders/{orderId}/checkout", 200, { params: orderId, as: "doc-pay" });
    await call(t, "POST", "/orders/{orderId}/checkout", 404, { params: { orderId: missingOrder }, as: "doc-pay" });
    const card = (number: string) => ({ params: orderId, as: "doc-pay", body: { card: number } });
    await call(t, "POST", "/orders/{orderId}/test-payment", 400, card("not a card"));
    await call(t, "POST", "/orders/{orderId}/test-payment", 402, card("4000000000000002"));
    await call(t, "POST", "/orders/{orderId}/test-payment", 200, card("4242424242424242"));
    await call(t, "POST", "/orders/{orderId}/cancel", 409, { params: orderId, as: "doc-pay" });
    await call(t, "POST", "/admin/orders/{orderId}/refund", 200, { admin: true, params: orderId });
    await call(t, "POST", "/admin/orders/{orderId}/refund", 404, { admin: true, params: { orderId: "nope" } });

    const dropped = await hold("doc-drop");
    await call(t, "POST", "/orders/{orderId}/cancel", 200, { params: { orderId: dropped.id }, as: "doc-drop" });
    await call(t, "POST", "/orders/{orderId}/checkout", 409, { params: { orderId: dropped.id }, as: "doc-drop" });
    await call(t, "POST", "/orders/{orderId}/cancel", 401, { params: { orderId: dropped.id } });
    await call(t, "POST", "/admin/orders/{orderId}/refund", 409, { admin: true, params: { orderId: dropped.id } });
    await call(t, "POST", "/webhooks/stripe", 404, { rawBody: "{}" });
  });

  it("sign-in", async () => {
    const email = "documented@example.com";
    await call(t, "POST", "/auth/email", 400, { body: { email: "not an address" } });
    await call(t, "POST", "/auth/email", 202, { body: { email } });
    await call(t, "POST", "/auth/email/verify", 401, { body: { email, code: "000000" } });
    await call(t, "POST", "/auth/email", 202, { body: { email } });
    await call(t, "POST", "/auth/email/verify", 200, { body: { email, code: await t.codeFor(email) } });
    await call(t, "POST", "/auth/email/verify", 400, { body: { email } });
  });

  it("Stripe: its checkout and its webhook", async () => {
    const show = await s.createShow({ capacity: 5, priceCents: 4000 });
    await s.preload(show.id);
    const order = (await s.buy(show.id, "doc-stripe", 1, "doc-stripe-key")).body.order;
    const started = await call(s, "POST", "/orders/{orderId}/checkout", 200, {
      params: { orderId: order.id },
      as: "doc-stripe",
    });
    expect(started.body.checkout.clientSecret).toEqual(expect.any(String));
    await call(s, "POST", "/orders/{orderId}/test-payment", 404, {
      params: { orderId: order.id },
      as: "doc-stripe",
      body: { card: "4242424242424242" },
    });
    const payload = JSON.stringify({
      id: "evt_documented",
      object: "event",
      type: "payment_intent.succeeded",
      data: {
        object: { object: "payment_intent", id: started.body.checkout.paymentId, metadata: { orderId: order.id } },
      },
    });
    const signature = new Stripe("sk_test_unused").webhooks.generateTestHeaderString({
      payload,
      secret: webhookSecret,
    });
    await call(s, "POST", "/webhooks/stripe", 200, { rawBody: payload, headers: { "stripe-signature": signature } });
    await call(s, "POST", "/webhooks/stripe", 400, { rawBody: payload, headers: { "stripe-signature": "t=1,v1=00" } });
  });

  it("and every declared route was driven to its success at least once", () => {
    const missing = declaredRoutes(t)
      .filter((r) => {
        const success = Object.keys(r.responses).filter((status) => status.startsWith("2"));
        return !success.some((status) => answered.get(operation(r.method, r.path))?.has(Number(status)));
      })
      .map((r) => operation(r.method, r.path));
    expect(missing).toEqual([]);
  });
});
