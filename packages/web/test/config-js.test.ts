import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serveWeb } from "@hotseat/local/web-server";
import { afterAll, describe, expect, it } from "vitest";

// The storefront learns Stripe's publishable key from the local web server's /config.js (see features/checkout/lib/
// stripe.ts); it lives here because the storefront is what reads it.
const API_URL = "http://127.0.0.1:3999";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-config-js-"));
fs.writeFileSync(path.join(root, "index.html"), "<!doctype html><title>HotSeat</title>");
const servers: { close(): Promise<void> }[] = [];

afterAll(async () => {
  for (const server of servers) await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function configOf(options?: { stripePublishableKey?: string }) {
  const web = await serveWeb(root, API_URL, 0, path.join(root, "outbox"), options);
  servers.push(web);
  const response = await fetch(`${web.url}/config.js`);
  const window: Record<string, unknown> = {};
  new Function("window", await response.text())(window);
  return { window, csp: response.headers.get("content-security-policy") ?? "" };
}

describe("/config.js and Stripe", () => {
  it("hands the storefront Stripe's publishable key when given one, and lets Stripe.js in", async () => {
    const { window, csp } = await configOf({ stripePublishableKey: "pk_test_hotseat" });
    expect(window.__HOTSEAT_STRIPE_KEY__).toBe("pk_test_hotseat");
    expect(csp).toContain("script-src 'self' https://js.stripe.com");
  });

  it("says nothing of Stripe without a key, and keeps Stripe.js out", async () => {
    const { window, csp } = await configOf();
    expect(window).not.toHaveProperty("__HOTSEAT_STRIPE_KEY__");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain("stripe");
  });
});
