import { shardKeys } from "@hotseat/core/space";
import { sleep } from "@hotseat/core/util";
import { createRuntime } from "@hotseat/functions/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ publisher: { budgetMs: 500 } });
});
afterAll(async () => {
  await t?.stop();
});

const missingShow = "shw_01M8K746YHNN6VVTREMPNQJXK9";
const errorShape = (code: string) => expect.objectContaining({ code, message: expect.any(String) });

describe("shows", () => {
  it("creates a show as a draft, lists it for admins only until it is on sale, and reads it with its remaining count", async () => {
    const show = await t.createShow({ name: "List Me", capacity: 30, maxPerCustomer: 3 });
    expect(show).toMatchObject({ status: "draft", capacity: 30, maxPerCustomer: 3, shards: 1 });
    expect(show.id).toMatch(/^shw_/);
    const ids = (res: { body: { shows: { id: string }[] } }) => res.body.shows.map((s) => s.id);

    const list = await t.request("GET", "/shows");
    expect(list.status).toBe(200);
    expect(ids(list)).not.toContain(show.id);
    const drafts = await t.request("GET", "/admin/shows", { admin: true });
    expect(drafts.status).toBe(200);
    expect(ids(drafts)).toContain(show.id);
    expect((await t.request("GET", "/admin/shows")).status).toBe(401);

    const one = await t.request("GET", `/shows/${show.id}`);
    expect(one.status).toBe(200);
    expect(one.body.show).toMatchObject({ id: show.id, remaining: 30, soldOut: false, status: "draft" });

    await t.preload(show.id);
    expect(ids(await t.request("GET", "/shows"))).toContain(show.id);
  });

  it("404s an unknown or malformed show id", async () => {
    for (const path of [`/shows/${missingShow}`, "/shows/nope", `/shows/${missingShow}/availability`]) {
      const res = await t.request("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual(errorShape("show_not_found"));
    }
  });

  it("serves a crowd of show-page and list loads with few DynamoDB reads, and sees a preload made elsewhere at once", async () => {
    // What reaches DynamoDB, counted on the document client itself.
    const calls: string[] = [];
    t.stack.runtime.dynamo.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize", name: "countShowReads" },
    );
    try {
      const show = await t.createShow({ capacity: 40 });
      // Another API instance (another Lambda) that has seen the show as a draft.
      const other = createRuntime(t.stack.config);
      try {
        expect(await other.sales.getShow(show.id)).toMatchObject({ status: "draft", remaining: 40 });
        calls.length = 0;
        const pages = await Promise.all(Array.from({ length: 50 }, () => t.request("GET", `/shows/${show.id}`)));
        expect(pages.every((p) => p.status === 200 && p.body.show.status === "draft")).toBe(true);
        const lists = await Promise.all(Array.from({ length: 50 }, () => t.request("GET", "/shows")));
        expect(
          lists.every((l) => l.status === 200 && !l.body.shows.some((s: { id: string }) => s.id === show.id)),
        ).toBe(true);
        // One read of the show's item and one query of the list, at most, for 100 loads.
        expect(calls.filter((c) => c === "GetCommand").length).toBeLessThanOrEqual(1);
        expect(calls.filter((c) => c === "QueryCommand").length).toBeLessThanOrEqual(1);

        await t.preload(show.id);
        // The other instance still holds the draft, yet reports the sale the moment the space has it.
        expect(await other.sales.getShow(show.id)).toMatchObject({ status: "on_sale", remaining: 40 });
        expect((await t.buy(show.id, "crowd", 2, "crowd-key-0001")).status).toBe(201);
        expect(await other.sales.getShow(show.id)).toMatchObject({ status: "on_sale", remaining: 38 });
        // Here, the preload dropped the shared list: it shows the sale at once.
        const list = await t.request("GET", "/shows");
        expect(list.body.shows.find((s: { id: string }) => s.id === show.id)).toMatchObject({
          status: "on_sale",
          remaining: 38,
        });
      } finally {
        await other.stop();
      }
    } finally {
      t.stack.runtime.dynamo.middlewareStack.remove("countShowReads");
    }
  });

  it("serves availability from the space, cacheable for a second", async () => {
    const show = await t.createShow({ capacity: 12 });
    await t.preload(show.id);
    const res = await t.request("GET", `/shows/${show.id}/availability`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ showId: show.id, remaining: 12, held: 0, soldOut: false, onSale: true });
    expect(res.headers.get("cache-control")).toMatch(/max-age=1\b/);
  });
});

describe("purchases", () => {
  it("sells, replays the same order for the same key, and reports the order", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    const first = await t.buy(show.id, "ann", 2, "key-ann-0001");
    expect(first.status).toBe(201);
    expect(first.body.order).toMatchObject({
      showId: show.id,
      customerId: "ann",
      quantity: 2,
      status: "confirmed",
      persisted: false,
    });
    expect(first.body.order.id).toMatch(/^ord_/);
    expect(first.body.order).not.toHaveProperty("idempotencyKey");

    const replay = await t.buy(show.id, "ann", 2, "key-ann-0001");
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.order.id).toBe(first.body.order.id);

    const avail = await t.request("GET", `/shows/${show.id}/availability`);
    expect(avail.body.remaining).toBe(8);

    await t.stack.drain();
    const order = await t.request("GET", `/orders/${first.body.order.id}`, { as: "ann" });
    expect(order.status).toBe(200);
    expect(order.body.order).toMatchObject({ id: first.body.order.id, persisted: true, quantity: 2 });
    expect(order.body.order).not.toHaveProperty("idempotencyKey");
  });

  it("answers 404 order_not_found for an unknown order", async () => {
    for (const id of ["ord_01M8K746YHNN6VVTREMPNQJXK9", "x"]) {
      const res = await t.request("GET", `/orders/${id}`, { as: "ann" });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorShape("order_not_found"));
    }
  });

  it("refuses with sold_out, insufficient_inventory (with remaining), limit_exceeded and key reuse", async () => {
    const show = await t.createShow({ capacity: 5, maxPerCustomer: 3 });
    await t.preload(show.id);
    expect((await t.buy(show.id, "bob", 3, "key-bob-00001")).status).toBe(201);

    const limit = await t.buy(show.id, "bob", 1, "key-bob-00002");
    expect(limit.status).toBe(422);
    expect(limit.body).toEqual({
      code: "limit_exceeded",
      message: "you may buy 0 more ticket(s) for this show",
      remaining: 0,
    });

    const reused = await t.buy(show.id, "bob", 2, "key-bob-00001");
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual(errorShape("idempotency_key_reused"));

    const short = await t.buy(show.id, "cat", 3, "key-cat-00001");
    expect(short.status).toBe(409);
    expect(short.body).toEqual({ code: "insufficient_inventory", message: "only 2 ticket(s) left", remaining: 2 });

    expect((await t.buy(show.id, "cat", 2, "key-cat-00002")).status).toBe(201);
    const soldOut = await t.buy(show.id, "dan", 1, "key-dan-00001");
    expect(soldOut.status).toBe(409);
    expect(soldOut.body).toEqual({ code: "sold_out", message: "sold out", remaining: 0 });

    const show2 = await t.request("GET", `/shows/${show.id}`);
    expect(show2.body.show).toMatchObject({ remaining: 0, soldOut: true });
  });

  it("parses a body handed to Sales.purchase directly (only the API's validator is trusted)", async () => {
    const show = await t.createShow({ capacity: 5 });
    await t.preload(show.id);
    const sales = t.stack.runtime.sales;
    const body = { quantity: 0 };
    await expect(
      sales.purchase({ showId: show.id, customerId: "gus", idempotencyKey: "key-gus-00001", body }),
    ).rejects.toMatchObject({ code: "invalid_request" });
    const { order, created } = await sales.purchase({
      showId: show.id,
      customerId: "gus",
      idempotencyKey: "key-gus-00002",
      body: { quantity: 2 },
    });
    expect({ created, quantity: order.quantity }).toEqual({ created: true, quantity: 2 });
    expect((await sales.availability(show.id)).remaining).toBe(3);
  });

  it("refuses a show that is not on sale yet, and 404s an unknown show", async () => {
    const draft = await t.createShow({ capacity: 5 });
    const res = await t.buy(draft.id, "eve", 1, "key-eve-00001");
    expect(res.status).toBe(409);
    expect(res.body).toEqual(errorShape("not_on_sale"));
    const unknown = await t.buy(missingShow, "eve", 1, "key-eve-00002");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(errorShape("show_not_found"));
  });

  it("answers 503 rehydrating while another worker rebuilds a lost show", async () => {
    const show = await t.createShow({ capacity: 5 });
    await t.preload(show.id);
    const token = await t.stack.runtime.space.acquireRehydrationLock(show.id, 10_000);
    expect(token).toBeTruthy();
    await t.stack.runtime.redis.del(shardKeys(show.id, 0).inventory);
    const res = await t.buy(show.id, "fay", 1, "key-fay-00001");
    expect(res.status).toBe(503);
    expect(res.body).toEqual(errorShape("rehydrating"));
    expect(res.headers.get("retry-after")).toBe("1");
    await t.stack.runtime.space.releaseRehydrationLock(show.id, token ?? "");
    // With the lock free, the next ask starts the rebuild worker; the buyer polls (503 meanwhile) and buys.
    let again = await t.buy(show.id, "fay", 1, "key-fay-00001");
    for (let i = 0; again.status === 503 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await t.buy(show.id, "fay", 1, "key-fay-00001");
    }
    expect(again.status).toBe(201);
  });
});

describe("bad input changes nothing", () => {
  it("answers each malformed request with a 4xx and its code, leaving space and table as they were", async () => {
    const show = await t.createShow({ capacity: 20, maxPerCustomer: 4 });
    await t.preload(show.id);
    await t.stack.drain();
    const spaceBefore = await t.spaceDump();
    const tableBefore = await t.tableItems();
    const url = `/shows/${show.id}/orders`;
    const key = "bad-input-key-1";
    const cases: [string, Parameters<TestStack["request"]>[2], number, string][] = [
      ["malformed JSON", { rawBody: "{not json", idempotencyKey: key }, 400, "invalid_request"],
      ["array body", { body: [1, 2], idempotencyKey: key }, 400, "invalid_request"],
      ["quantity as string", { body: { quantity: "2" }, idempotencyKey: key }, 400, "invalid_request"],
      ["quantity 0", { body: { quantity: 0 }, idempotencyKey: key }, 400, "invalid_request"],
      ["quantity negative", { body: { quantity: -1 }, idempotencyKey: key }, 400, "invalid_request"],
      ["quantity huge", { body: { quantity: 1e12 }, idempotencyKey: key }, 400, "invalid_request"],
      ["quantity fractional", { body: { quantity: 1.5 }, idempotencyKey: key }, 400, "invalid_request"],
      [
        "a customerId field",
        { body: { customerId: "victim", quantity: 1 }, idempotencyKey: key },
        400,
        "invalid_request",
      ],
      [
        "a customerId of the buyer's own",
        { body: { customerId: "g", quantity: 1 }, idempotencyKey: key },
        400,
        "invalid_request",
      ],
      ["unknown field", { body: { quantity: 1, price: 0 }, idempotencyKey: key }, 400, "invalid_request"],
      ["Idempotency-Key missing", { body: { quantity: 1 } }, 400, "invalid_request"],
      ["Idempotency-Key too long", { body: { quantity: 1 }, idempotencyKey: "k".repeat(129) }, 400, "invalid_request"],
      ["Idempotency-Key too short", { body: { quantity: 1 }, idempotencyKey: "k" }, 400, "invalid_request"],
      [
        "oversized body",
        { body: { quantity: 1, pad: "x".repeat(20_000) }, idempotencyKey: key },
        413,
        "payload_too_large",
      ],
      [
        "text content type",
        { rawBody: "customerId=g", headers: { "content-type": "text/plain" }, idempotencyKey: key },
        400,
        "invalid_request",
      ],
    ];
    for (const [name, opts, status, code] of cases) {
      const res = await t.request("POST", url, { as: "g", ...opts });
      expect(res.status, name).toBe(status);
      expect(res.body, name).toEqual(errorShape(code));
    }
    // A header's refusal names the header, as a body's names the field.
    const noKey = await t.request("POST", url, { body: { quantity: 1 }, as: "g" });
    expect(noKey.body.message).toMatch(/^idempotency-key: /);
    const named = await t.request("POST", url, {
      body: { customerId: "victim", quantity: 1 },
      idempotencyKey: key,
      as: "g",
    });
    expect(named.body.message).toMatch(/^customerId: .*token/);
    const unknown = await t.buy(missingShow, "g", 1, key);
    expect(unknown.status).toBe(404);

    const adminCases: [string, Parameters<TestStack["request"]>[2], number, string][] = [
      ["no token", { body: { name: "x" } }, 401, "unauthorized"],
      ["wrong token", { body: { name: "x" }, headers: { authorization: "Bearer nope" } }, 401, "unauthorized"],
      ["not bearer", { body: { name: "x" }, headers: { authorization: "Basic abc" } }, 401, "unauthorized"],
      ["empty body", { admin: true, body: {} }, 400, "invalid_request"],
      [
        "capacity 0",
        { admin: true, body: { name: "n", venue: "v", startsAt: "2027-01-01T20:00:00Z", capacity: 0, priceCents: 1 } },
        400,
        "invalid_request",
      ],
      [
        "bad date",
        { admin: true, body: { name: "n", venue: "v", startsAt: "tomorrow", capacity: 5, priceCents: 1 } },
        400,
        "invalid_request",
      ],
      [
        "more shards than tickets",
        {
          admin: true,
          body: { name: "n", venue: "v", startsAt: "2027-01-01T20:00:00Z", capacity: 2, priceCents: 1, shards: 3 },
        },
        400,
        "invalid_request",
      ],
    ];
    for (const [name, opts, status, code] of adminCases) {
      const res = await t.request("POST", "/admin/shows", opts);
      expect(res.status, name).toBe(status);
      expect(res.body, name).toEqual(errorShape(code));
    }
    for (const path of [`/admin/shows/${show.id}/preload`, `/admin/shows/${show.id}/stats`]) {
      const method = path.endsWith("stats") ? "GET" : "POST";
      expect((await t.request(method, path)).status, path).toBe(401);
      expect((await t.request(method, path, { headers: { authorization: "Bearer wrong" } })).status, path).toBe(401);
    }

    expect(await t.spaceDump()).toEqual(spaceBefore);
    expect(await t.tableItems()).toEqual(tableBefore);
  });
});

describe("admin", () => {
  it("preloads idempotently and reports stats; 404 for unknown shows", async () => {
    const show = await t.createShow({ capacity: 9, shards: 3, maxPerCustomer: 2 });
    expect(await t.preload(show.id)).toEqual({ showId: show.id, remaining: 9 });
    expect((await t.buy(show.id, "hal", 2, "key-hal-00001")).status).toBe(201);
    expect(await t.preload(show.id)).toEqual({ showId: show.id, remaining: 7 });
    await t.stack.drain();
    const stats = await t.request("GET", `/admin/shows/${show.id}/stats`, { admin: true });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ capacity: 9, remaining: 7, sold: 2, persisted: 2, pending: 0, shards: 3 });
    const buckets = stats.body.timeline.buckets as { at: number; tickets: number }[];
    expect(buckets).toHaveLength(20);
    expect(buckets.reduce((n, b) => n + b.tickets, 0)).toBe(2);

    for (const [method, path] of [
      ["POST", `/admin/shows/${missingShow}/preload`],
      ["GET", `/admin/shows/${missingShow}/stats`],
    ] as const) {
      const res = await t.request(method, path, { admin: true });
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual(errorShape("show_not_found"));
    }
  });

  it("counts the API's metrics in the process, as the stage dashboard does, for admins", async () => {
    const read = async () => (await t.request("GET", "/admin/metrics", { admin: true })).body.metrics;
    expect((await t.request("GET", "/admin/metrics")).status).toBe(401);
    const before = await read();
    const show = await t.createShow({ capacity: 1 });
    await t.preload(show.id);
    expect((await t.buy(show.id, "metered", 1, "metric-key-01")).status).toBe(201);
    expect((await t.buy(show.id, "metered", 1, "metric-key-01")).status).toBe(200); // a replay counts for nothing
    expect((await t.buy(show.id, "other", 1, "metric-key-02")).status).toBe(409);
    await t.request("GET", `/shows/${show.id}/availability`);
    const after = await read();
    expect((after.OrdersAccepted ?? 0) - (before.OrdersAccepted ?? 0)).toBe(1);
    expect((after.PurchasesRefused ?? 0) - (before.PurchasesRefused ?? 0)).toBe(1);
    expect(after).toMatchObject({ PendingOrders: expect.any(Number), SpaceRebuilds: expect.any(Number) });
  });

  it("404s unknown routes with the error shape", async () => {
    const res = await t.request("GET", "/nowhere");
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorShape("not_found"));
  });
});

describe("health", () => {
  it("is ok while the space answers, 503 once it is gone", async () => {
    const ok = await t.request("GET", "/health");
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("ok");
    t.stack.redis.process?.kill("SIGKILL");
    await sleep(200);
    const down = await t.request("GET", "/health");
    expect(down.status).toBe(503);
    expect(down.body).toEqual(errorShape("unavailable"));
    // Up or down, never the client library's error text (it names hosts and ports).
    expect(JSON.stringify(down.body)).not.toMatch(/ECONN|127\.0\.0\.1|connect|:\d{4,5}/i);
  });
});
