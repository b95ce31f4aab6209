import type { Hook } from "@hono/zod-openapi";
import { zValidator } from "@hono/zod-validator";
import { HotSeatError, invalidRequest } from "@hotseat/core/error";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type { ZodObject, ZodType, z } from "zod";

/**
 * Every route's `defaultHook`: a request that fails its declared schema goes to the one `onError`
 * as `invalid_request`, naming the first issue and where (`quantity: …`, `idempotency-key: …`).
 */
// biome-ignore lint/suspicious/noExplicitAny: any route's input, env and path, as OpenAPIHono's own option
export const refuseInvalid: Hook<any, any, any, void> = (result) => {
  if (!result.success) throw invalidRequest(result.error);
};

/** zValidator whose failures go through the one `onError`, for routes outside the document (the bench's naive API). */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw invalidRequest(result.error);
  });

const json = /^application\/([a-z-.]+\+)?json/i;

/**
 * A route with a JSON body refuses any other Content-Type as `invalid_request` (400), ahead of
 * @hono/zod-openapi's own media-type gate, which would answer 415: every client mistake in a
 * request is one 400 `invalid_request` (clients and tests depend on it), and a body without a
 * Content-Type is refused here rather than buffered twice to see whether it is empty.
 */
export const requireJson: MiddlewareHandler = async (c, next) => {
  if (!json.test(c.req.header("content-type") ?? ""))
    throw new HotSeatError("invalid_request", "send the body as JSON: Content-Type: application/json");
  await next();
};

/**
 * Validates the named headers of `schema` and leaves them in `c.get("headers")`, reading only
 * those: asking Hono for every header (as a declared `request.headers` would) makes
 * @hono/node-server build a full web `Headers` on each request, which a sold-out show's flood of
 * refused purchases pays for. The route documents the headers as parameters instead.
 */
export const validHeaders = <T extends ZodObject>(
  schema: T,
): MiddlewareHandler<{ Variables: { headers: z.output<T> } }> => {
  const names = Object.keys(schema.shape);
  return async (c, next) => {
    const headers: Record<string, string> = {};
    for (const name of names) {
      const value = c.req.header(name);
      if (value !== undefined) headers[name] = value;
    }
    const result = schema.safeParse(headers);
    if (!result.success) throw invalidRequest(result.error);
    c.set("headers", result.data);
    await next();
  };
};
