import fs from "node:fs";
import path from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { readOutbox } from "@hotseat/core/mail";
import { Hono } from "hono";
import { contentSecurityPolicy } from "../../web/csp.ts";

/** The storefront's own path for the local outbox; /config.js hands it to the storefront, which is how it knows. */
export const OUTBOX_PATH = "/local/outbox";
const OUTBOX_LIMIT = 100;

/**
 * Serves the built storefront, telling it through `/config.js` where the API is and that it runs locally, where mail
 * is not sent but written to `outboxDir`, which `/local/outbox` lists (the newest hundred messages).
 * `stripePublishableKey`: where Stripe is the provider, the key Stripe Elements needs (and the CSP then lets
 * Stripe.js in).
 */
export function serveWeb(
  distDir: string,
  apiUrl: string,
  port: number,
  outboxDir: string,
  options: { stripePublishableKey?: string } = {},
) {
  const app = new Hono();
  const root = path.relative(process.cwd(), distDir) || ".";
  const stripeKey = options.stripePublishableKey;
  const csp = contentSecurityPolicy({ apiOrigin: new URL(apiUrl).origin, stripe: Boolean(stripeKey) });
  app.use("*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", csp);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
  });
  app.get("/config.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-store");
    const stripe = stripeKey ? `window.__HOTSEAT_STRIPE_KEY__ = ${JSON.stringify(stripeKey)};\n` : "";
    return c.body(
      `window.__HOTSEAT_API__ = ${JSON.stringify(apiUrl)};\nwindow.__HOTSEAT_LOCAL_OUTBOX__ = ${JSON.stringify(OUTBOX_PATH)};\n${stripe}`,
    );
  });
  app.get(OUTBOX_PATH, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ messages: (await readOutbox(outboxDir)).slice(0, OUTBOX_LIMIT) });
  });
  app.use("/*", serveStatic({ root }));
  const index = path.join(distDir, "index.html");
  app.get("*", (c) => c.html(fs.readFileSync(index, "utf8")));
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}
