/**
 * The reference page's files, from the installed `swagger-ui-dist` (no CDN: the API serves them).
 * Plain constants, no imports: infra/api.ts reads this list to ship the files beside the API's
 * Lambda bundle (`copyFiles`), where the page reads them from disk on its first request.
 */
export const DOCS_PACKAGE = "swagger-ui-dist";

/** File in the package → its Content-Type. */
export const DOCS_ASSETS = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
} as const;
export type DocsAsset = keyof typeof DOCS_ASSETS;
