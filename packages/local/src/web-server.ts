import fs from "node:fs";
import path from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

/** The storefront's own path for the local outbox; /config.js hands it to the storefront, which is how it knows. */
export const OUTBOX_PATH = "/local/outbox";
const OUTBOX_LIMIT = 100;

export type OutboxMessage = { to: string; subject: string; text: string; sentAt: string };

/**
 * The storefront loads only its own files and talks only to the API. `frame-ancestors` works only as a header
 * (a <meta> CSP ignores it), which is why the server sends it. `data:` images are the inline favicon.
 */
export function contentSecurityPolicy(apiUrl: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${new URL(apiUrl).origin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The mail the local stack wrote instead of sending (one JSON file a message), newest first. */
export async function readOutbox(dir: string, limit = OUTBOX_LIMIT): Promise<OutboxMessage[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const messages = await Promise.all(
    names
      .filter((name) => name.endsWith(".json"))
      .map(async (name) => {
        try {
          return asMessage(JSON.parse(await fs.promises.readFile(path.join(dir, name), "utf8")));
        } catch {
          return null; // half-written or not a message: skipped, the next poll sees it whole
        }
      }),
  );
  return messages
    .filter((m): m is OutboxMessage => m !== null)
    .sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt))
    .slice(0, limit);
}

function asMessage(value: unknown): OutboxMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const { to, subject, text, sentAt } = value as Record<string, unknown>;
  if (typeof to !== "string" || typeof subject !== "string" || typeof text !== "string") return null;
  if (typeof sentAt !== "string" || !Number.isFinite(Date.parse(sentAt))) return null;
  return { to, subject, text, sentAt };
}

/**
 * Serves the built storefront, telling it through `/config.js` where the API is and that it runs locally, where mail
 * is not sent but kept in `<dataDir>/outbox`, which `/local/outbox` lists.
 */
export function serveWeb(distDir: string, apiUrl: string, port: number, dataDir: string) {
  const app = new Hono();
  const root = path.relative(process.cwd(), distDir) || ".";
  const csp = contentSecurityPolicy(apiUrl);
  app.use("*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", csp);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
  });
  app.get("/config.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-store");
    return c.body(
      `window.__HOTSEAT_API__ = ${JSON.stringify(apiUrl)};\nwindow.__HOTSEAT_LOCAL_OUTBOX__ = ${JSON.stringify(OUTBOX_PATH)};\n`,
    );
  });
  app.get(OUTBOX_PATH, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ messages: await readOutbox(path.join(dataDir, "outbox")) });
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
