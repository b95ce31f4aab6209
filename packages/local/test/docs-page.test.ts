import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../src/stack.ts";

// The API's reference page in a real browser (Debian's chromium): it renders every operation of the
// document from files the API serves itself, under its own Content-Security-Policy, with no request
// to any other origin; and it works behind a path prefix, as it is served under /api on AWS.

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let stack: Stack;
let browser: Browser;
let dataDir: string;
/** A stand-in for CloudFront's router: `/api/*` to the API with the prefix stripped, as infra/web.ts routes it. */
let router: http.Server;
let routerUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(chromiumPath))
    throw new Error(`no chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-docs-"));
  stack = await startStack({ dataDir, port: 0, sweepIntervalMs: 0 });
  const api = stack.apiUrl as string;
  router = http.createServer(async (req, res) => {
    const url = req.url ?? "/";
    if (!url.startsWith("/api/")) {
      res.writeHead(404).end();
      return;
    }
    const answer = await fetch(`${api}${url.slice("/api".length)}`);
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
  routerUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => router?.close(resolve));
  await stack?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function openReference(pageUrl: string) {
  const page = await browser.newPage();
  const problems: string[] = [];
  const requested: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("request", (r) => requested.push(r.url()));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  // The browser reports a policy's refusals as events, not console messages: collected from the first script on.
  await page.addInitScript({
    content: `window.violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));`,
  });
  await page.goto(pageUrl);
  await page.locator(".opblock").first().waitFor({ timeout: 20_000 });
  const operations = await page.locator(".opblock").count();
  // An operation opened shows its parameters, request body and responses, rendered under the same policy.
  await page.locator(".opblock-post .opblock-summary").first().click();
  await page.locator(".opblock-body .responses-wrapper").first().waitFor({ timeout: 10_000 });
  // "Try it out" on GET /health: the request goes where the document's relative server says, the page's own API.
  const health = page.locator(".opblock-get").filter({ has: page.locator('[data-path="/health"]') });
  await health.locator(".opblock-summary").click();
  await health.getByRole("button", { name: "Try it out" }).click();
  const [tried] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/health")),
    health.getByRole("button", { name: "Execute" }).click(),
  ]);
  problems.push(...((await page.evaluate("window.violations")) as string[]));
  await page.close();
  return { operations, problems, requested, tried: { url: tried.url(), status: tried.status() } };
}

describe("GET /docs in a browser", () => {
  it.each([
    ["on the API itself", () => `${stack.apiUrl}/docs`, () => stack.apiUrl as string, ""],
    ["behind the router's /api prefix", () => `${routerUrl}/api/docs`, () => routerUrl, "/api"],
  ])(
    "renders every operation %s, breaking no rule of its policy and asking nothing of another origin",
    async (_, url, origin, prefix) => {
      const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, object> };
      const documented = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
      const seen = await openReference(url());
      expect(seen.problems).toEqual([]);
      expect(seen.operations).toBe(documented);
      expect(seen.requested.filter((r) => !r.startsWith(origin()) && !r.startsWith("data:"))).toEqual([]);
      expect(seen.requested).toContain(`${origin()}${prefix}/openapi.json`);
      expect(seen.tried).toEqual({ url: `${origin()}${prefix}/health`, status: 200 });
    },
  );
});
