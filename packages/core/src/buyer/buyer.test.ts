import { describe, expect, it } from "vitest";
import { HotSeatError } from "../error/index.ts";
import type { Mailer, Message } from "../mail/index.ts";
import { customerStoreContract, loginCodesContract } from "./buyer.contract.ts";
import {
  BuyerAuth,
  BuyerTokens,
  Customers,
  Email,
  MemoryCustomerStore,
  MemoryLoginCodes,
  newBuyerTokenKey,
} from "./index.ts";

describe("MemoryLoginCodes keeps the LoginCodes contract", () => loginCodesContract(() => new MemoryLoginCodes()));
describe("MemoryCustomerStore keeps the CustomerStore contract", () =>
  customerStoreContract(() => new MemoryCustomerStore()));

class Inbox implements Mailer {
  readonly sent: Message[] = [];
  async send(m: Message) {
    this.sent.push(m);
  }
  codeFor(to: string) {
    return (
      [...this.sent]
        .reverse()
        .find((m) => m.to === to)
        ?.text.match(/\d{6}/)?.[0] ?? ""
    );
  }
}

async function setup() {
  const inbox = new Inbox();
  const store = new MemoryCustomerStore();
  const tokens = new BuyerTokens(await newBuyerTokenKey(), 60);
  const auth = new BuyerAuth({ codes: new MemoryLoginCodes(), customers: new Customers(store), mailer: inbox, tokens });
  return { inbox, store, tokens, auth };
}

describe("BuyerAuth", () => {
  it("signs a verified address in as one opaque customer, however the address is typed", async () => {
    const { inbox, store, auth } = await setup();
    await auth.requestCode({ email: Email.parse("Ada@Example.com ") });
    expect(inbox.sent[0]?.to).toBe("ada@example.com");
    const first = await auth.verifyCode({ email: "ada@example.com", code: inbox.codeFor("ada@example.com") });
    expect(first.customer.id).toMatch(/^cus_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(await auth.customerOf(first.token)).toBe(first.customer.id);
    // Keys name nobody: the subject is a hash, never the address.
    expect([...store.rows.keys()].join()).not.toContain("ada");

    await auth.requestCode({ email: "ada@example.com" });
    const again = await auth.verifyCode({ email: "ada@example.com", code: inbox.codeFor("ada@example.com") });
    expect(again.customer.id).toBe(first.customer.id);
  });

  it("refuses a wrong or reused code with invalid_code", async () => {
    const { inbox, auth } = await setup();
    await auth.requestCode({ email: "bo@example.com" });
    const code = inbox.codeFor("bo@example.com");
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    await expect(auth.verifyCode({ email: "bo@example.com", code: wrong })).rejects.toMatchObject({
      code: "invalid_code",
    });
    await auth.verifyCode({ email: "bo@example.com", code });
    await expect(auth.verifyCode({ email: "bo@example.com", code })).rejects.toBeInstanceOf(HotSeatError);
  });

  it("sends a 6-digit code that is the only run of digits in the message", async () => {
    const { inbox, auth } = await setup();
    for (let i = 0; i < 20; i++) await auth.requestCode({ email: `c${i}@example.com` });
    for (const m of inbox.sent) expect(m.text.match(/\d{6,8}/g)).toHaveLength(1);
    expect(new Set(inbox.sent.map((m) => inbox.codeFor(m.to))).size).toBeGreaterThan(15);
  });
});

describe("BuyerTokens", () => {
  it("names the customer, expires, and refuses another key's or a tampered token", async () => {
    const tokens = new BuyerTokens(await newBuyerTokenKey(), 60);
    const { token, expiresAt } = await tokens.issue("cus_one");
    expect(await tokens.customerOf(token)).toBe("cus_one");
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(55_000);
    const old = await tokens.issue("cus_one", Date.now() - 120_000);
    await expect(tokens.customerOf(old.token)).rejects.toMatchObject({ code: "unauthorized" });
    const other = new BuyerTokens(await newBuyerTokenKey());
    await expect(other.customerOf(token)).rejects.toMatchObject({ code: "unauthorized" });
    const [h, , s] = token.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: "cus_two", aud: "hotseat:buyer", iss: "hotseat", exp: 9e9 })).toString("base64url")}.${s}`;
    await expect(tokens.customerOf(forged)).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("refuses a key that is not a private Ed25519 JWK", async () => {
    expect(() => new BuyerTokens("not json")).toThrow(/not JSON/);
    expect(() => new BuyerTokens('{"kty":"RSA"}')).toThrow(/Ed25519/);
    const publicOnly = JSON.parse(await newBuyerTokenKey());
    delete publicOnly.d;
    expect(() => new BuyerTokens(JSON.stringify(publicOnly))).toThrow(/private/);
  });
});
