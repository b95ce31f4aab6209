import fs from "node:fs";
import path from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

/** Serves the built storefront, telling it where the API is through `/config.js`. */
export function serveWeb(distDir: string, apiUrl: string, port: number) {
  const app = new Hono();
  const root = path.relative(process.cwd(), distDir) || ".";
  app.get("/config.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-store");
    return c.body(`window.__HOTSEAT_API__ = ${JSON.stringify(apiUrl)};\n`);
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
