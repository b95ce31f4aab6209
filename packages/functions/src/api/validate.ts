import { zValidator } from "@hono/zod-validator";
import { HotSeatError } from "@hotseat/core/error";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type { ZodObject, ZodType, z } from "zod";

/** A failed parse as the one `onError` answers it: `invalid_request`, naming the first issue and where. */
const refuse = (error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): never => {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  throw new HotSeatError("invalid_request", `${where}${issue?.message ?? "invalid request"}`);
};

/** zValidator whose failures go through the one `onError`, as `invalid_request`. */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) refuse(result.error);
  });

/**
 * `validate("header", schema)` for an object of named headers, reading only those: asking Hono
 * for every header makes @hono/node-server build a full web `Headers` on each request (~4% of
 * the API's CPU on a sold-out show's refusals).
 */
export const validateHeaders = <T extends ZodObject>(
  schema: T,
): MiddlewareHandler<
  // biome-ignore lint/suspicious/noExplicitAny: any Env, as zValidator's own middleware
  any,
  string,
  { in: { header: Record<keyof T["shape"] & string, string> }; out: { header: z.output<T> } }
> => {
  const names = Object.keys(schema.shape);
  return async (c, next) => {
    const headers: Record<string, string> = {};
    for (const name of names) {
      const value = c.req.header(name);
      if (value !== undefined) headers[name] = value;
    }
    const result = schema.safeParse(headers);
    if (!result.success) refuse(result.error);
    else c.req.addValidatedData("header", result.data as Record<string, unknown>);
    await next();
  };
};
