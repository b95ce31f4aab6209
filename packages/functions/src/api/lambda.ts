import { handle } from "hono/aws-lambda";
import { readConfig } from "../config.ts";
import { createRuntime } from "../runtime.ts";
import { createApp } from "./app.ts";

// Module scope: one Redis client and one set of SDK clients per Lambda instance, reused by
// every invocation it serves. A Lambda serves one request at a time, so no linger is useful.
const runtime = createRuntime(readConfig(), { publisher: { lingerMs: 0 } });

export const app = createApp({
  sales: runtime.sales,
  buyers: runtime.buyers,
  checkout: runtime.checkout,
  rateLimitStore: runtime.redis,
  adminToken: runtime.config.adminToken,
  // CloudFront, when it is in front, appends the viewer to X-Forwarded-For; API Gateway's source is then the edge.
  address: { trustedProxyHops: Number(process.env.HOTSEAT_TRUSTED_PROXY_HOPS ?? 0) },
  health: async () => ({ ok: await runtime.space.ping(), parts: { space: "up" } }),
});

export const handler = handle(app);
