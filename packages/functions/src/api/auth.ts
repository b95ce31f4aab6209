import type { BuyerAuth } from "@hotseat/core/buyer";
import { HotSeatError } from "@hotseat/core/error";
import type { MiddlewareHandler } from "hono";
import type { RateLimit } from "./rate-limit.ts";

/** What the API knows of the caller once `requireBuyer` has passed. */
export type BuyerEnv = { Variables: { customerId: string } };

export interface SignInLimits {
  /**
   * Codes sent to one address from one client address. Keyed by both, so a stranger asking for
   * someone's codes from elsewhere cannot spend that person's own allowance before a sale.
   */
  perAddress: RateLimit;
  /** Codes sent to one address from anywhere: a ceiling on the mail one address receives. */
  perAddressTotal: RateLimit;
  /** Codes asked for, and codes tried, from one client address. */
  perClient: RateLimit;
}

export const defaultSignInLimits: SignInLimits = {
  perAddress: { points: 5, windowSeconds: 3600 },
  perAddressTotal: { points: 20, windowSeconds: 3600 },
  perClient: { points: 30, windowSeconds: 3600 },
};

const bearer = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Buyer routes: the customer is the subject of a verified buyer token, never anything the request
 * says. Missing, malformed, expired, foreign-signed or wrong-audience tokens are all one 401.
 */
export function requireBuyer(buyers: Pick<BuyerAuth, "customerOf">): MiddlewareHandler<BuyerEnv> {
  return async (c, next) => {
    const token = bearer.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) throw new HotSeatError("unauthorized", "sign in first: Authorization: Bearer <buyer token>");
    c.set("customerId", await buyers.customerOf(token));
    await next();
  };
}
