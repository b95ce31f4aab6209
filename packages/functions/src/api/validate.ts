import { zValidator } from "@hono/zod-validator";
import { HotSeatError } from "@hotseat/core/error";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";

/** zValidator whose failures go through the one `onError`, as `invalid_request`. */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      throw new HotSeatError("invalid_request", `${where}${issue?.message ?? "invalid request"}`);
    }
  });
