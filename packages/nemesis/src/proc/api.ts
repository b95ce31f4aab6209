import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { appFor } from "@hotseat/functions/api/app";
import { configFromEnv } from "@hotseat/functions/config";
import { createRuntime } from "@hotseat/functions/runtime";
import { saleOptionsFromEnv } from "./env.ts";

// One API process of the nemesis: the Lambda's app on a fixed port, composed as the local stack
// composes it, so a kill -9 and a restart look to buyers like a Lambda instance dying and another
// taking its place at the same URL.
const runtime = createRuntime(configFromEnv(), { sale: saleOptionsFromEnv() });
// The nemesis's buyers are few and fast: the per-customer limiter would only answer 429s.
const app = appFor(runtime, { purchaseRateLimit: { points: 0, windowSeconds: 1 } });
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, (info: AddressInfo) => {
  process.send?.({ type: "ready", url: `http://127.0.0.1:${info.port}` });
});
