import { createHash, randomInt } from "node:crypto";
import { z } from "zod";
import { HotSeatError } from "../error/index.ts";
import type { Mailer } from "../mail/index.ts";
import type { LoginCodes } from "./codes.ts";
import type { CustomerDirectory } from "./customers.ts";
import type { BuyerTokens, IssuedToken } from "./tokens.ts";

export { type LoginCodes, MemoryLoginCodes, RedisLoginCodes } from "./codes.ts";
export { type CustomerDirectory, type CustomerStore, Customers, MemoryCustomerStore } from "./customers.ts";
export { DynamoCustomerStore } from "./dynamo-customers.ts";
export { BUYER_AUDIENCE, BuyerTokens, type IssuedToken, newBuyerTokenKey } from "./tokens.ts";

/** Addresses are compared trimmed and lower-cased: "Ada@Example.com " and "ada@example.com" are one buyer. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "email must be at most 254 characters")
  .pipe(z.email({ error: "not an email address" }));

export const RequestCodeBody = z.object({ email: Email }).strict();
export type RequestCodeBody = z.infer<typeof RequestCodeBody>;

export const VerifyCodeBody = z
  .object({
    email: Email,
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "the code is 6 digits"),
  })
  .strict();
export type VerifyCodeBody = z.infer<typeof VerifyCodeBody>;

export const SignedIn = z.object({
  token: z.string(),
  expiresAt: z.string(),
  customer: z.object({ id: z.string() }),
});
export type SignedIn = z.infer<typeof SignedIn>;

export interface BuyerAuthOptions {
  codeTtlSeconds?: number;
  /** Wrong guesses a code survives. */
  maxTries?: number;
}

/** Hash of a normalised address: what keys codes and customers, so no key names a person. */
export const subjectOf = (email: string) => createHash("sha256").update(email).digest("base64url");
const hashCode = (subject: string, code: string) =>
  createHash("sha256").update(`${subject}\n${code}`).digest("base64url");

/** Sign-in by a one-time code sent to the address; a verified code becomes a signed buyer token. */
export class BuyerAuth {
  private readonly ttlSeconds: number;
  private readonly maxTries: number;

  constructor(
    private readonly deps: { codes: LoginCodes; customers: CustomerDirectory; mailer: Mailer; tokens: BuyerTokens },
    options: BuyerAuthOptions = {},
  ) {
    this.ttlSeconds = options.codeTtlSeconds ?? 600;
    this.maxTries = options.maxTries ?? 5;
  }

  /** Sends a code to any well-formed address, known or not: the answer never tells who has an account. */
  async requestCode({ email }: RequestCodeBody): Promise<void> {
    const subject = subjectOf(email);
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await this.deps.codes.put(subject, hashCode(subject, code), this.ttlSeconds * 1000);
    const minutes = Math.round(this.ttlSeconds / 60);
    await this.deps.mailer.send({
      to: email,
      subject: `Your HotSeat sign-in code: ${code}`,
      text: `Your HotSeat sign-in code is ${code}.\n\nIt works once, for ${minutes} minutes. If you did not ask for it, ignore this message.`,
    });
  }

  async verifyCode({ email, code }: VerifyCodeBody): Promise<SignedIn> {
    const subject = subjectOf(email);
    if (!(await this.deps.codes.redeem(subject, hashCode(subject, code), this.maxTries)))
      throw new HotSeatError("invalid_code", "that code is wrong, expired or used; ask for a new one");
    const id = await this.deps.customers.idFor(subject, email);
    const issued: IssuedToken = await this.deps.tokens.issue(id);
    return { ...issued, customer: { id } };
  }

  /** The customer a bearer token names; 401 for anything that is not a valid buyer token. */
  customerOf(token: string): Promise<string> {
    return this.deps.tokens.customerOf(token);
  }
}
