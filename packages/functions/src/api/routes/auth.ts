import { createRoute } from "@hono/zod-openapi";
import { type BuyerAuth, RequestCodeBody, subjectOf, VerifyCodeBody } from "@hotseat/core/buyer";
import { defaultSignInLimits, type SignInLimits } from "../auth.ts";
import { json, jsonBody, refusals, routes } from "../openapi.ts";
import { type AddressOptions, clientAddress, consume, type LimitStore, limiter } from "../rate-limit.ts";
import { CodeSent, SignedInBody } from "../schemas.ts";
import { requireJson } from "../validate.ts";

const requestCode = createRoute({
  method: "post",
  path: "/email",
  tags: ["auth"],
  summary: "Mail a one-time sign-in code",
  description: "Answers 202 for any well-formed address, known or not: the answer tells nobody who has an account.",
  middleware: requireJson,
  request: { body: jsonBody(RequestCodeBody) },
  responses: {
    202: json(CodeSent, "a code is on its way"),
    ...refusals("invalid_request", "payload_too_large", "rate_limited"),
  },
});

const verifyCode = createRoute({
  method: "post",
  path: "/email/verify",
  tags: ["auth"],
  summary: "Trade the code for a buyer token",
  middleware: requireJson,
  request: { body: jsonBody(VerifyCodeBody) },
  responses: {
    200: json(SignedInBody, "the buyer token and the customer it names"),
    ...refusals("invalid_request", "invalid_code", "payload_too_large", "rate_limited"),
  },
});

/** `POST /auth/email` and `POST /auth/email/verify`: sign-in by a one-time code sent by mail. */
export function authRoutes(
  buyers: BuyerAuth,
  options: { store: LimitStore; limits?: SignInLimits; address?: AddressOptions },
) {
  const limits = options.limits ?? defaultSignInLimits;
  const perAddress = limiter(options.store, "code-address-client", limits.perAddress);
  const perAddressTotal = limiter(options.store, "code-address", limits.perAddressTotal);
  const perClientSend = limiter(options.store, "code-client", limits.perClient);
  const perClientTry = limiter(options.store, "verify-client", limits.perClient);
  return routes()
    .openapi(requestCode, async (c) => {
      const body = c.req.valid("json");
      const client = clientAddress(c, options.address);
      const subject = subjectOf(body.email);
      await consume("sign-in codes", [
        [perClientSend, client],
        [perAddress, `${subject}:${client}`],
        [perAddressTotal, subject],
      ]);
      await buyers.requestCode(body);
      return c.json({ sent: true as const }, 202);
    })
    .openapi(verifyCode, async (c) => {
      await consume("sign-in attempts", [[perClientTry, clientAddress(c, options.address)]]);
      return c.json(await buyers.verifyCode(c.req.valid("json")), 200);
    });
}
