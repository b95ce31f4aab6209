import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { ErrorCode } from "@hotseat/core/error";
import type { Env } from "hono";
import { statusOf } from "./errors.ts";
import { ErrorBody } from "./schemas.ts";
import { refuseInvalid } from "./validate.ts";

/** A resource's routes: declared for the document, refused through the one `onError` when they fail their schemas. */
export const routes = <E extends Env = Env>() => new OpenAPIHono<E>({ defaultHook: refuseInvalid });

/** A JSON answer of `schema`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A required JSON body of `schema` (required: an absent one is parsed as `{}` and refused, never let through). */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/**
 * The refusals a route declares, by their stable codes: grouped under the status `statusOf` gives
 * each (the same table `onError` answers with), so the document cannot disagree with the answers.
 */
export function refusals(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(statusOf[code], [...(byStatus.get(statusOf[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [status, json(ErrorBody, `\`${group.join("`, `")}\``)]),
  ) as Record<number, ReturnType<typeof json<typeof ErrorBody>>>;
}

/** A path parameter: any text; an id of the wrong shape names nothing, so it is a 404 like an unknown one. */
export const idParam = (name: string, example: string) =>
  z.string().meta({ param: { name, in: "path" }, description: `the ${name} (\`${example.slice(0, 4)}…\`)`, example });

/** The bearer schemes routes name in `security`; registered once on the app (see `describeApi`). */
export const buyerSecurity = [{ buyerToken: [] }];
export const adminSecurity = [{ adminToken: [] }];
