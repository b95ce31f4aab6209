// The contracts each port's adapters must keep, run against the in-memory fakes here (buyer.test.ts)
// and against Redis and DynamoDB in packages/local/test/buyer-adapters.test.ts, so a fake cannot drift.
import { expect, it } from "vitest";
import { sleep } from "../util/sleep.ts";
import type { LoginCodes } from "./codes.ts";
import type { CustomerStore } from "./customers.ts";

let n = 0;
const fresh = (what: string) => `${what}-${Date.now()}-${++n}`;

export function loginCodesContract(make: () => LoginCodes | Promise<LoginCodes>) {
  it("redeems the live code once", async () => {
    const codes = await make();
    const subject = fresh("once");
    await codes.put(subject, "h1", 10_000);
    expect(await codes.redeem(subject, "h1", 5)).toBe(true);
    expect(await codes.redeem(subject, "h1", 5)).toBe(false);
  });

  it("kills a code after maxTries wrong guesses, and a new code replaces the old", async () => {
    const codes = await make();
    const subject = fresh("tries");
    await codes.put(subject, "right", 10_000);
    for (let i = 0; i < 2; i++) expect(await codes.redeem(subject, "wrong", 3)).toBe(false);
    expect(await codes.redeem(subject, "right", 3)).toBe(true);
    await codes.put(subject, "old", 10_000);
    await codes.put(subject, "new", 10_000);
    expect(await codes.redeem(subject, "old", 3)).toBe(false);
    for (let i = 0; i < 2; i++) expect(await codes.redeem(subject, "wrong", 3)).toBe(false);
    expect(await codes.redeem(subject, "new", 3)).toBe(false);
  });

  it("lets a code expire", async () => {
    const codes = await make();
    const subject = fresh("ttl");
    await codes.put(subject, "h", 50);
    await sleep(120);
    expect(await codes.redeem(subject, "h", 5)).toBe(false);
  });

  it("spends the last try once when guesses race", async () => {
    const codes = await make();
    const subject = fresh("race");
    await codes.put(subject, "right", 10_000);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => codes.redeem(subject, "wrong", 3)),
      codes.redeem(subject, "right", 3),
    ]);
    // Ten wrong guesses at once: the code dies after the third, so the right one wins only if it came first.
    expect(results.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(await codes.redeem(subject, "right", 3)).toBe(false);
  });
}

export function customerStoreContract(make: () => CustomerStore | Promise<CustomerStore>) {
  it("keeps the first id a subject gets, and refuses a second", async () => {
    const store = await make();
    const subject = fresh("subject");
    expect(await store.get(subject)).toBeUndefined();
    expect(await store.createIfAbsent(subject, "cus_first", "a@example.com")).toBe(true);
    expect(await store.createIfAbsent(subject, "cus_second", "a@example.com")).toBe(false);
    expect(await store.get(subject)).toBe("cus_first");
  });
}
