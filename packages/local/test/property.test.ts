import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

let t: TestStack;
beforeAll(async () => {
  // No poller: the table changes only through requests, so "a 4xx changed nothing" is exact.
  t = await startTestStack({ poll: false });
});
afterAll(async () => {
  await t?.stop();
});

const customers = ["ana", "ben", "cy", "dee"];
const keys = ["prop-key-a", "prop-key-b", "prop-key-c", "prop-key-d", "prop-key-e", "prop-key-f"];

type Req = { method: string; path: (showId: string) => string; opts: Parameters<TestStack["request"]>[2] };

const validPurchase = fc
  .record({
    customerId: fc.constantFrom(...customers),
    quantity: fc.integer({ min: 1, max: 4 }),
    key: fc.constantFrom(...keys),
  })
  .map(
    (p): Req => ({
      method: "POST",
      path: (id) => `/shows/${id}/orders`,
      opts: { body: { customerId: p.customerId, quantity: p.quantity }, idempotencyKey: `${p.key}-${p.customerId}` },
    }),
  );

const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const invalidPurchase = fc
  .record({
    body: fc.oneof(
      fc.record({ customerId: junk, quantity: junk }),
      fc.record({
        customerId: fc.constantFrom(...customers),
        quantity: fc.oneof(
          fc.integer({ max: 0 }),
          fc.integer({ min: 101 }),
          fc.double({ min: 0.1, max: 3.9, noInteger: true }),
        ),
      }),
      fc.dictionary(fc.string({ maxLength: 5 }), junk, { maxKeys: 3 }),
    ),
    key: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 7 }), fc.string({ minLength: 129, maxLength: 140 })),
    raw: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  })
  .map(
    (p): Req => ({
      method: "POST",
      path: (id) => `/shows/${id}/orders`,
      opts:
        p.raw !== undefined
          ? { rawBody: `{${p.raw}`, idempotencyKey: "prop-raw-key" }
          : { body: p.body, idempotencyKey: p.key },
    }),
  );
const unknownShow = validPurchase.map(
  (r): Req => ({ ...r, path: () => "/shows/shw_01M8K746YHNN6VVTREMPNQJXK9/orders" }),
);
const badAdmin = fc.record({ name: junk, capacity: junk }).map(
  (body): Req => ({
    method: "POST",
    path: () => "/admin/shows",
    opts: { body, headers: { authorization: "Bearer wrong" } },
  }),
);

it("keeps remaining + sold = capacity, every 2xx order real, and every 4xx without effect, under random requests", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(validPurchase, validPurchase, invalidPurchase, unknownShow, badAdmin), {
        minLength: 1,
        maxLength: 12,
      }),
      async (requests) => {
        const show = await t.createShow({ capacity: 12, maxPerCustomer: 4, shards: 2 });
        await t.preload(show.id);
        for (const r of requests) {
          const [spaceBefore, tableBefore] = await Promise.all([t.spaceDump(), t.tableItems()]);
          const res = await t.request(r.method, r.path(show.id), r.opts);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body).toEqual(
              expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
            );
            expect(await t.spaceDump()).toEqual(spaceBefore);
            expect(await t.tableItems()).toEqual(tableBefore);
          } else {
            const order = await t.request("GET", `/orders/${res.body.order.id}`);
            expect(order.status).toBe(200);
            expect(order.body.order).toMatchObject({ showId: show.id, quantity: res.body.order.quantity });
          }
          const stats = (await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true })).body;
          expect(stats.remaining + stats.sold).toBe(12);
        }
      },
    ),
    { numRuns: 25 },
  );
});
