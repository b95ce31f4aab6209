import { createRoute } from "@hono/zod-openapi";
import { log } from "@hotseat/core/log";
import { json, routes } from "../openapi.ts";
import { Health, HealthDown } from "../schemas.ts";

export type HealthCheck = () => Promise<{ ok: boolean; parts: Record<string, string> }>;

const health = createRoute({
  method: "get",
  path: "/",
  tags: ["health"],
  summary: "Up or down, and which part",
  responses: {
    200: json(Health, "every part answers"),
    503: json(HealthDown, "`unavailable`: a part is not ready (`degraded`) or the space is unreachable (`down`)"),
  },
});

/** `GET /health`: never a client library's error text, which names hosts and ports. */
export function healthRoutes(check: HealthCheck) {
  return routes().openapi(health, async (c) => {
    try {
      const h = await check();
      if (h.ok) return c.json({ status: "ok" as const, ...h.parts }, 200);
      return c.json(
        { code: "unavailable" as const, message: "not ready", status: "degraded" as const, ...h.parts },
        503,
      );
    } catch (e) {
      log.warn("health.down", { error: String((e as Error)?.message ?? e) });
      return c.json(
        { code: "unavailable" as const, message: "the space is unreachable", status: "down" as const },
        503,
      );
    }
  });
}
