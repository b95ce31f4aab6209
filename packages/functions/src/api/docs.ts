import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { HotSeatError } from "@hotseat/core/error";
import type { Env } from "hono";
import { DOCS_ASSETS, DOCS_PACKAGE, type DocsAsset } from "./docs-assets.ts";
import { json, refusals, routes } from "./openapi.ts";

/** What the document says of the API as a whole; the paths come from every route's declaration. */
const documentInfo = {
  openapi: "3.1.0",
  info: {
    title: "HotSeat API",
    version: "1.0.0",
    description:
      "Tickets for the moment a sale opens. Errors are `{code, message}` with a stable `code`; buyer routes take a buyer token from `/auth/email/verify`, admin routes the admin token.",
  },
  // Relative: the document's own location, which is the API's URL or `/api` on the storefront's origin.
  servers: [{ url: "./" }],
};

/**
 * The reference page loads everything from this API: its script, its stylesheet and its own
 * initializer, so a strict policy holds: no inline script or style, nothing from another origin,
 * no framing. Swagger UI's stylesheet draws its icons as `data:` images, the one exception.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

// Relative URLs throughout: the page is `/docs` on the API and `/api/docs` behind the router.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HotSeat API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/reference.js"></script>
</body>
</html>
`;

const initializer = `SwaggerUIBundle({
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#reference",
  deepLinking: true,
  validatorUrl: "none",
  presets: [SwaggerUIBundle.presets.apis],
});
`;

const pageHeaders = { "Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff" };

/** Read from the installed package on first use only: a Lambda that never serves /docs never reads them. */
const assets = new Map<DocsAsset, Promise<Buffer>>();
const packageDir = () => path.dirname(createRequire(import.meta.url).resolve(`${DOCS_PACKAGE}/package.json`));
const readAsset = (name: DocsAsset) => {
  let read = assets.get(name);
  if (!read) {
    read = fs.readFile(path.join(packageDir(), name));
    read.catch(() => assets.delete(name));
    assets.set(name, read);
  }
  return read;
};
const isAsset = (name: string): name is DocsAsset => Object.hasOwn(DOCS_ASSETS, name);

const documentRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  tags: ["reference"],
  summary: "This document (OpenAPI 3.1)",
  responses: { 200: json(z.looseObject({ openapi: z.string() }), "the OpenAPI 3.1 document") },
});
const pageRoute = createRoute({
  method: "get",
  path: "/docs",
  tags: ["reference"],
  summary: "The reference page for this document",
  responses: { 200: { description: "an HTML page", content: { "text/html": { schema: z.string() } } } },
});
const assetRoute = createRoute({
  method: "get",
  path: "/docs/{asset}",
  tags: ["reference"],
  summary: "The reference page's script and stylesheet",
  request: {
    params: z.object({
      asset: z.string().meta({ param: { name: "asset", in: "path" }, example: "swagger-ui.css" }),
    }),
  },
  responses: {
    200: {
      description: "a script or stylesheet",
      content: { "text/javascript": { schema: z.string() }, "text/css": { schema: z.string() } },
    },
    ...refusals("not_found"),
  },
});

/**
 * `GET /openapi.json`, `GET /docs` and its files, for `app`: the document is generated from
 * `app`'s declared routes on the first request and kept (the routes do not change while it runs).
 */
export function referenceRoutes<E extends Env>(app: OpenAPIHono<E>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "buyerToken", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "a buyer token from `POST /auth/email/verify`",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "the stage's admin token",
  });
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  return routes()
    .openapi(documentRoute, (c) => {
      document ??= app.getOpenAPI31Document(documentInfo);
      c.header("Cache-Control", "public, max-age=60");
      return c.json(document, 200);
    })
    .openapi(pageRoute, (c) => c.html(page, 200, pageHeaders))
    .openapi(assetRoute, async (c) => {
      const name = c.req.param("asset");
      if (name === "reference.js")
        return c.body(initializer, 200, { ...pageHeaders, "Content-Type": "text/javascript; charset=utf-8" });
      if (!isAsset(name)) throw new HotSeatError("not_found", `no file ${name} in the reference page`);
      const body = await readAsset(name);
      return c.body(new Uint8Array(body), 200, {
        ...pageHeaders,
        "Content-Type": DOCS_ASSETS[name],
        "Cache-Control": "public, max-age=3600",
      });
    });
}
