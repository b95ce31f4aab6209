// One more API process for --scale: the real app and runtime against the stack's Redis, Kinesis
// and DynamoDB (as another Lambda instance would be), nothing else (no sweeper, no writer).
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { appFor } from "@hotseat/functions/api/app";
import type { RuntimeConfig } from "@hotseat/functions/config";
import { createRuntime } from "@hotseat/functions/runtime";
import { serveParent } from "../child.ts";

const config: RuntimeConfig = JSON.parse(process.argv[2] ?? "{}");
const runtime = createRuntime(config);
const app = appFor(runtime, { purchaseRateLimit: { points: 0, windowSeconds: 1 } });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise<void>((resolve) => server.once("listening", () => resolve()));
const port = (server.address() as AddressInfo).port;

serveParent({ url: `http://127.0.0.1:${port}`, pid: process.pid }, {}, async () => {
  await new Promise<void>((done) => server.close(() => done()));
  await runtime.stop();
});
