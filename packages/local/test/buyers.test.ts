import fs from "node:fs";
import { newBuyerTokenKey } from "@hotseat/core/buyer";
import { readOutbox } from "@hotseat/core/mail";
import { sleep } from "@hotseat/core/util";
import { decodeJwt, importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

// Buyers are who their token says: every attack from the issue, through the HTTP API of a real
// local stack (Redis, kinesalite, dynalite).

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ signIn: { codeTtlSeconds: 2 } });
});
afterAll(async () => {
  await t?.stop();
});

const errorShape = (code: string) => expect.objectContaining({ code, message: expect.any(String) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
let emails = 0;
const freshEmail = () => `buyer${++emails}.${Date.now()}@example.com`;

/** A token signed by `key` (a private JWK) with these claims, for forging. */
async function signWith(key: string, claims: { sub?: string; aud?: string; iss?: string; expSeconds?: number }) {
  const jwk = JSON.parse(key);
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA" })
    .setIssuer(claims.iss ?? "hotseat")
    .setAudience(claims.aud ?? "hotseat:buyer")
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (claims.expSeconds ?? 600));
  if (claims.sub) jwt.setSubject(claims.sub);
  return jwt.sign(await importJWK(jwk, "EdDSA"));
}

describe("sign-in by email code", () => {
  it("mails a one-time code to the local outbox and exchanges it for a token naming an opaque customer", async () => {
    const email = freshEmail();
    const sent = await t.request("POST", "/auth/email", { body: { email } });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ sent: true });

    const files = fs.readdirSync(t.stack.outboxDir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    const message = (await readOutbox(t.stack.outboxDir)).find((m) => m.to === email);
    expect(message).toMatchObject({ to: email, subject: expect.any(String), text: expect.any(String) });
    expect(Date.parse(message?.sentAt ?? "")).not.toBeNaN();
    const runs = message?.text.match(/\d{6,8}/g) ?? [];
    expect(runs).toHaveLength(1);

    const verified = await t.request("POST", "/auth/email/verify", { body: { email, code: runs[0] } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      customer: { id: expect.stringMatching(/^cus_[0-9A-HJKMNP-TV-Z]{26}$/) },
    });
    const claims = decodeJwt(verified.body.token);
    expect(claims.sub).toBe(verified.body.customer.id);
    expect(JSON.stringify(claims)).not.toContain(email);
    expect(JSON.stringify(claims)).not.toContain("example.com");
    expect((claims.exp ?? 0) * 1000).toBe(Date.parse(verified.body.expiresAt));

    // The same address, however it is typed, is the same customer; another address is another one.
    const again = await t.signIn(email);
    expect(again.customer.id).toBe(verified.body.customer.id);
    const shouted = ` ${email.toUpperCase()} `;
    await t.request("POST", "/auth/email", { body: { email: shouted } });
    const code = await t.codeFor(email);
    const upper = await t.request("POST", "/auth/email/verify", { body: { email: shouted, code } });
    expect(upper.body.customer.id).toBe(verified.body.customer.id);
    expect((await t.signIn(freshEmail())).customer.id).not.toBe(verified.body.customer.id);
  });

  it("answers 202 for any well-formed address and 400 for a malformed one, sending nothing then", async () => {
    for (const email of ["nobody-ever@example.org", freshEmail()]) {
      const res = await t.request("POST", "/auth/email", { body: { email } });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ sent: true });
    }
    const before = (await readOutbox(t.stack.outboxDir)).length;
    for (const body of [{}, { email: "not-an-address" }, { email: 7 }, { email: "a@b.co", extra: 1 }, []]) {
      const res = await t.request("POST", "/auth/email", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toEqual(errorShape("invalid_request"));
    }
    for (const body of [{ email: "a@b.co" }, { email: "a@b.co", code: "12345" }, { email: "a@b.co", code: "abcdef" }]) {
      const res = await t.request("POST", "/auth/email/verify", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await readOutbox(t.stack.outboxDir)).length).toBe(before);
  });

  it("takes a code once, kills it after five wrong tries, and lets it expire", async () => {
    const verify = (email: string, code: string) => t.request("POST", "/auth/email/verify", { body: { email, code } });
    const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

    const once = freshEmail();
    await t.request("POST", "/auth/email", { body: { email: once } });
    const code = await t.codeFor(once);
    expect((await verify(once, code)).status).toBe(200);
    const reused = await verify(once, code);
    expect(reused.status).toBe(401);
    expect(reused.body).toEqual(errorShape("invalid_code"));

    const guessed = freshEmail();
    await t.request("POST", "/auth/email", { body: { email: guessed } });
    const right = await t.codeFor(guessed);
    for (let i = 0; i < 5; i++) expect((await verify(guessed, wrongFor(right))).status).toBe(401);
    expect((await verify(guessed, right)).body).toEqual(errorShape("invalid_code"));

    const late = freshEmail();
    await t.request("POST", "/auth/email", { body: { email: late } });
    const lateCode = await t.codeFor(late);
    await sleep(2200); // this stack's codes live 2 s
    expect((await verify(late, lateCode)).body).toEqual(errorShape("invalid_code"));
  });

  it("limits codes per address and per client address, with 429 and Retry-After", async () => {
    const limited = await startTestStack({
      signInLimits: {
        perAddress: { points: 2, windowSeconds: 3600 },
        perAddressTotal: { points: 3, windowSeconds: 3600 },
        perClient: { points: 4, windowSeconds: 3600 },
      },
    });
    try {
      const ask = (email: string, from: string) => limited.request("POST", "/auth/email", { body: { email }, from });
      const target = "target@example.com";
      // A stranger asking for the target's codes spends their own allowance, not the target's.
      expect((await ask(target, "203.0.113.66")).status).toBe(202);
      expect((await ask(target, "203.0.113.66")).status).toBe(202);
      const stranger = await ask(target, "203.0.113.66");
      expect(stranger.status).toBe(429);
      expect(stranger.body).toEqual(errorShape("rate_limited"));
      expect(Number(stranger.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await ask(target, "192.0.2.1")).status).toBe(202);
      // And one address receives at most so many codes from anywhere.
      expect((await ask(target, "192.0.2.2")).status).toBe(429);

      for (let i = 0; i < 4; i++) expect((await ask(`spray${i}@example.com`, "198.51.100.9")).status).toBe(202);
      expect((await ask("spray-more@example.com", "198.51.100.9")).status).toBe(429);
      // The sender's X-Forwarded-For is its own writing: it changes nothing.
      const spoofed = await limited.request("POST", "/auth/email", {
        body: { email: "spray-last@example.com" },
        from: "198.51.100.9",
        headers: { "x-forwarded-for": "203.0.113.99" },
      });
      expect(spoofed.status).toBe(429);
      const sent = (await readOutbox(limited.stack.outboxDir)).map((m) => m.to);
      expect(sent.filter((to) => to === target)).toHaveLength(3);
      expect(sent).not.toContain("spray-more@example.com");
    } finally {
      await limited.stop();
    }
  });
});

describe("buyer routes need a buyer token", () => {
  it("refuses every bad token with 401 unauthorized and takes nothing", async () => {
    const show = await t.createShow({ capacity: 10, maxPerCustomer: 4 });
    await t.preload(show.id);
    await t.stack.drain();
    const spaceBefore = await t.spaceDump();
    const tableBefore = await t.tableItems();
    const key = t.stack.config.buyers.tokenKey;
    const good = await t.tokenFor("cus_valid");
    const [header, payload] = good.split(".");
    const cases: [string, Record<string, string>][] = [
      ["missing", {}],
      ["empty bearer", { authorization: "Bearer " }],
      ["not bearer", { authorization: `Basic ${good}` }],
      ["garbage", bearer("not.a.token")],
      ["unsigned (alg none)", bearer(`${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`)],
      ["signature cut", bearer(`${header}.${payload}.`)],
      ["expired", bearer(await signWith(key, { sub: "cus_valid", expSeconds: -60 }))],
      ["foreign-signed", bearer(await signWith(await newBuyerTokenKey(), { sub: "cus_valid" }))],
      ["wrong audience", bearer(await signWith(key, { sub: "cus_valid", aud: "hotseat:admin" }))],
      ["wrong issuer", bearer(await signWith(key, { sub: "cus_valid", iss: "someone-else" }))],
      ["no subject", bearer(await signWith(key, {}))],
      ["the admin token", bearer(t.stack.adminToken)],
    ];
    for (const [name, headers] of cases) {
      const res = await t.request("POST", `/shows/${show.id}/orders`, {
        body: { quantity: 1 },
        idempotencyKey: "token-case-key-1",
        headers,
      });
      expect(res.status, name).toBe(401);
      expect(res.body, name).toEqual(errorShape("unauthorized"));
      const me = await t.request("GET", "/me/orders", { headers });
      expect(me.status, name).toBe(401);
    }
    expect(await t.spaceDump()).toEqual(spaceBefore);
    expect(await t.tableItems()).toEqual(tableBefore);

    // A buyer token is not an admin token either.
    const asAdmin = await t.request("POST", `/admin/shows/${show.id}/preload`, { headers: bearer(good) });
    expect(asAdmin.status).toBe(401);
    expect((await t.request("GET", "/admin/shows", { headers: bearer(good) })).status).toBe(401);
  });

  it("binds the per-customer limit to the verified customer, across every shard", async () => {
    const show = await t.createShow({ capacity: 40, maxPerCustomer: 4, shards: 4 });
    await t.preload(show.id);
    const { token, customer } = await t.signIn(freshEmail());
    const buy = (quantity: number, key: string) =>
      t.request("POST", `/shows/${show.id}/orders`, {
        body: { quantity },
        idempotencyKey: key,
        headers: bearer(token),
      });
    expect((await buy(3, "limit-key-0001")).status).toBe(201);
    const over = await buy(2, "limit-key-0002");
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: "limit_exceeded", remaining: 1 });
    const last = await buy(1, "limit-key-0003");
    expect(last.status).toBe(201);
    expect(last.body.order.customerId).toBe(customer.id);
    expect((await buy(1, "limit-key-0004")).status).toBe(422);
    // Naming a victim in the body is refused outright, so nobody can use up another buyer's limit.
    const victim = await t.signIn(freshEmail());
    const inTheirName = await t.request("POST", `/shows/${show.id}/orders`, {
      body: { customerId: victim.customer.id, quantity: 3 },
      idempotencyKey: "limit-key-0005",
      headers: bearer(token),
    });
    expect(inTheirName.status).toBe(400);
    const theirs = await t.request("POST", `/shows/${show.id}/orders`, {
      body: { quantity: 4 },
      idempotencyKey: "limit-key-0006",
      headers: bearer(victim.token),
    });
    expect(theirs.status).toBe(201);
    expect((await t.request("GET", `/shows/${show.id}/availability`)).body.remaining).toBe(32);
  });

  it("shows an order to its owner only: anyone else gets the 404 of an order that does not exist", async () => {
    const show = await t.createShow({ capacity: 10 });
    await t.preload(show.id);
    const ada = await t.signIn(freshEmail());
    const eve = await t.signIn(freshEmail());
    const bought = await t.request("POST", `/shows/${show.id}/orders`, {
      body: { quantity: 2 },
      idempotencyKey: "owner-key-0001",
      headers: bearer(ada.token),
    });
    expect(bought.status).toBe(201);
    const id = bought.body.order.id as string;
    const nonexistent = await t.request("GET", "/orders/ord_01M8K746YHNN6VVTREMPNQJXK9", {
      headers: bearer(eve.token),
    });

    for (const persisted of [false, true]) {
      if (persisted) await t.stack.drain();
      const own = await t.request("GET", `/orders/${id}`, { headers: bearer(ada.token) });
      expect(own.status).toBe(200);
      expect(own.body.order).toMatchObject({ id, customerId: ada.customer.id, persisted, status: "confirmed" });
      expect(own.body.order).not.toHaveProperty("idempotencyKey");
      expect(own.headers.get("cache-control")).toMatch(/private/);
      const other = await t.request("GET", `/orders/${id}`, { headers: bearer(eve.token) });
      expect(other.status).toBe(404);
      expect(other.body).toEqual({ ...nonexistent.body, message: other.body.message });
      expect(other.body.code).toBe("order_not_found");
      expect((await t.request("GET", `/orders/${id}`)).status).toBe(401);
    }
  });

  it("lists a buyer's own orders at /me/orders, newest first, before and after they are persisted", async () => {
    const show = await t.createShow({ capacity: 20, maxPerCustomer: 10 });
    await t.preload(show.id);
    const other = await t.createShow({ capacity: 20 });
    await t.preload(other.id);
    const ada = await t.signIn(freshEmail());
    const bob = await t.signIn(freshEmail());
    const buy = (showId: string, who: { token: string }, quantity: number, key: string) =>
      t.request("POST", `/shows/${showId}/orders`, {
        body: { quantity },
        idempotencyKey: key,
        headers: bearer(who.token),
      });
    const a1 = (await buy(show.id, ada, 1, "mine-key-0001")).body.order.id;
    const a2 = (await buy(other.id, ada, 2, "mine-key-0002")).body.order.id;
    const b1 = (await buy(show.id, bob, 3, "mine-key-0003")).body.order.id;

    const list = async (who: { token: string }) => {
      const res = await t.request("GET", "/me/orders", { headers: bearer(who.token) });
      expect(res.status).toBe(200);
      return res.body.orders as { id: string; persisted: boolean; customerId: string }[];
    };
    expect((await list(ada)).map((o) => o.id)).toEqual([a2, a1]);
    expect((await list(bob)).map((o) => o.id)).toEqual([b1]);
    await t.stack.drain();
    const persisted = await list(ada);
    expect(persisted.map((o) => o.id)).toEqual([a2, a1]);
    expect(persisted.every((o) => o.persisted && o.customerId === ada.customer.id)).toBe(true);
    expect(await list(await t.signIn(freshEmail()))).toEqual([]);
  });
});

describe("purchase rate limit", () => {
  it("keys on the verified customer and the real source address, never on X-Forwarded-For", async () => {
    const limited = await startTestStack({
      purchaseRateLimit: { points: 3, windowSeconds: 60 },
      addressRateLimit: { points: 5, windowSeconds: 60 },
    });
    try {
      const show = await limited.createShow({ capacity: 100, maxPerCustomer: 50 });
      await limited.preload(show.id);
      let n = 0;
      const buy = (as: string, from: string, headers: Record<string, string> = {}) =>
        limited.request("POST", `/shows/${show.id}/orders`, {
          body: { quantity: 1 },
          idempotencyKey: `rate-key-${++n}-${as}`,
          as,
          from,
          headers,
        });
      // One customer, whatever address and X-Forwarded-For it claims: three, then 429.
      for (let i = 0; i < 3; i++)
        expect((await buy("cus_rate_one", `192.0.2.${i + 1}`, { "x-forwarded-for": `10.0.0.${i}` })).status).toBe(201);
      const refused = await buy("cus_rate_one", "192.0.2.9", { "x-forwarded-for": "203.0.113.50" });
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual(errorShape("rate_limited"));
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

      // One address, many customers, each claiming another X-Forwarded-For: five, then 429.
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await buy(`cus_rate_many${i}`, "198.51.100.7", { "x-forwarded-for": `203.0.113.${i}` })).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
      expect((await buy("cus_rate_fresh", "198.51.100.8")).status).toBe(201);
      // Checkout calls the payment provider: it has a limit of its own per customer.
      const order = (await buy("cus_rate_pay", "198.51.100.20")).body.order;
      const checkout = () => limited.request("POST", `/orders/${order.id}/checkout`, { as: "cus_rate_pay" });
      for (let i = 0; i < 3; i++) expect((await checkout()).status).toBe(409); // a free show: nothing to pay
      expect((await checkout()).body).toEqual(errorShape("rate_limited"));
      const avail = await limited.request("GET", `/shows/${show.id}/availability`);
      expect(avail.body.remaining).toBe(100 - 3 - 5 - 1 - 1);
    } finally {
      await limited.stop();
    }
  });

  it("trusts X-Forwarded-For only from a proxy configured as ours, taking the hop it appended", async () => {
    const proxied = await startTestStack({
      purchaseRateLimit: { points: 100, windowSeconds: 60 },
      addressRateLimit: { points: 2, windowSeconds: 60 },
      trustedProxyHops: 1,
    });
    try {
      const show = await proxied.createShow({ capacity: 50, maxPerCustomer: 50 });
      await proxied.preload(show.id);
      let n = 0;
      const buy = (xff: string) =>
        proxied.request("POST", `/shows/${show.id}/orders`, {
          body: { quantity: 1 },
          idempotencyKey: `proxy-key-${++n}`,
          as: `cus_proxy${n}`,
          from: "192.0.2.200",
          headers: { "x-forwarded-for": xff },
        });
      // The client wrote the first hops; our proxy appended the last one, the real viewer.
      expect((await buy("1.1.1.1, 203.0.113.10")).status).toBe(201);
      expect((await buy("2.2.2.2, 203.0.113.10")).status).toBe(201);
      expect((await buy("3.3.3.3, 203.0.113.10")).status).toBe(429);
      expect((await buy("3.3.3.3, 203.0.113.11")).status).toBe(201);
    } finally {
      await proxied.stop();
    }
  });

  it("keeps memory bounded whatever clients send: no key is made of their headers", async () => {
    const bounded = await startTestStack({ purchaseRateLimit: { points: 10_000, windowSeconds: 60 } });
    try {
      const s = await bounded.createShow({ capacity: 1000, maxPerCustomer: 1000 });
      await bounded.preload(s.id);
      const br = bounded.stack.runtime.redis as import("ioredis").Redis;
      for (let i = 0; i < 300; i++) {
        const res = await bounded.request("POST", `/shows/${s.id}/orders`, {
          body: { quantity: 1 },
          idempotencyKey: `bounded-key-${i}`,
          as: "cus_bounded",
          from: "192.0.2.77",
          headers: { "x-forwarded-for": `${i}-${"x".repeat(8192)}` },
        });
        expect(res.status).toBe(201);
      }
      const keys = (await br.keys("rl:*")).sort();
      expect(keys).toEqual(["rl:purchase-address:192.0.2.77", "rl:purchase-customer:cus_bounded"]);
      // Made-up show ids: each is at most one read, and the cache of misses stays bounded.
      const misses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          bounded.request("GET", `/shows/shw_01M8K746YHNN6VVTREMPN${String(i).padStart(5, "0")}`),
        ),
      );
      expect(misses.every((m) => m.status === 404)).toBe(true);
      const missCache = (
        bounded.stack.runtime.sales as unknown as { catalogue: { misses: { size: number; max: number } } }
      ).catalogue.misses;
      expect(missCache.max).toBeLessThanOrEqual(10_000);
      expect(missCache.size).toBeLessThanOrEqual(missCache.max);
    } finally {
      await bounded.stop();
    }
  });
});
