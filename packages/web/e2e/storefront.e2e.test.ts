import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Stack, startStack } from "@hotseat/local/stack";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The whole storefront in a real browser: the built `dist/` served by the local stack, against the real API,
// Redis, pump and writer. Debian's chromium, never a downloaded one (`.ci/run` installs it when missing).

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const webRoot = fileURLToPath(new URL("..", import.meta.url));
// The README's pictures are refreshed on request (`pnpm --filter @hotseat/web screenshots`), so an ordinary test run
// does not leave changed PNGs in the work tree; the pages are photographed either way.
const updateScreenshots = process.env.UPDATE_SCREENSHOTS === "1";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const CAPACITY = 12;
const FIRST_PURCHASE = 2;
const BURST = 40;
const showName = "The Midnight Echoes";

let screenshotDir: string;
let stack: Stack;
let browser: Browser;
let adminPage: Page;
let buyerPage: Page;
let webUrl: string;
let apiUrl: string;
let showId: string;
let orderId: string;
const tempDirs: string[] = [];

function tempDir(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`no chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  // Built here, not by a separate step, so this file proves exactly the bundle it serves. The API URL is not baked
  // in: the stack's /config.js supplies it at run time, as it would for any deployment.
  screenshotDir = updateScreenshots ? path.resolve(webRoot, "../../docs/screenshots") : tempDir("hotseat-shots-");
  fs.mkdirSync(screenshotDir, { recursive: true });
  const dist = tempDir("hotseat-web-");
  // A child process, as `pnpm build` would run it: vitest's NODE_ENV=test would otherwise give React's dev build.
  const vite = path.join(path.dirname(require.resolve("vite/package.json")), "bin/vite.js");
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  delete env.VITE_API_URL;
  await run(process.execPath, [vite, "build", "--outDir", dist, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: webRoot,
    env,
  });

  stack = await startStack({
    dataDir: tempDir("hotseat-e2e-"),
    port: 0,
    webPort: 0,
    webDist: dist,
    sweepIntervalMs: 1000,
  });
  if (!stack.apiUrl || !stack.webUrl) throw new Error("the stack did not serve the API and the storefront");
  apiUrl = stack.apiUrl;
  webUrl = stack.webUrl;

  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
  adminPage = await context.newPage();
  buyerPage = await context.newPage();
  for (const page of [adminPage, buyerPage]) {
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("storefront and admin console in headless Chromium", () => {
  it("an admin signs in once, creates a show and preloads it", async () => {
    await adminPage.goto(`${webUrl}/admin`);
    await adminPage.getByLabel("Admin token").fill(stack.adminToken);
    await adminPage.getByRole("button", { name: "Continue" }).click();

    await adminPage.getByLabel("Show name").fill(showName);
    await adminPage.getByLabel("Venue").fill("Paradiso, Amsterdam");
    await adminPage.getByLabel("Price (USD)").fill("59.50");
    await adminPage.getByLabel("Capacity").fill(String(CAPACITY));
    await adminPage.getByLabel("Limit per customer").fill("4");
    await adminPage.getByRole("button", { name: "Create show" }).click();
    await adminPage
      .getByRole("status")
      .filter({ hasText: `Created ${showName}` })
      .waitFor();

    const panel = adminPage.getByTestId("stats-panel").filter({ hasText: showName });
    showId = (await panel.getAttribute("data-show-id")) ?? "";
    expect(showId).toMatch(/^shw_/);
    await panel.getByRole("button", { name: "Preload & open sale" }).click();
    await panel.getByText("On sale", { exact: true }).waitFor();
    await panel.locator('[data-testid="stat-remaining"]', { hasText: new RegExp(`^${CAPACITY}$`) }).waitFor();

    // The token is kept for the session: a reload does not ask for it again.
    await adminPage.reload();
    await adminPage.getByTestId("stats-panel").filter({ hasText: showName }).waitFor();
    expect(await adminPage.getByLabel("Admin token").count()).toBe(0);
  });

  it("a buyer finds the show, buys with the keyboard and watches the remaining count fall", async () => {
    await buyerPage.goto(webUrl);
    const card = buyerPage.getByTestId("show-card").filter({ hasText: showName });
    await card.getByText(`${CAPACITY} left`).waitFor();
    await card.getByRole("link", { name: showName }).click();

    const remaining = buyerPage.getByTestId("remaining");
    await expectText(remaining, String(CAPACITY));

    const quantity = buyerPage.getByRole("spinbutton", { name: "Tickets" });
    await quantity.focus();
    await buyerPage.keyboard.press("ArrowUp");
    expect(await quantity.inputValue()).toBe(String(FIRST_PURCHASE));
    // Visible focus: the next control gets a real outline when reached by keyboard.
    await buyerPage.keyboard.press("Tab");
    const outline = await buyerPage.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return {
        label: document.activeElement?.getAttribute("aria-label"),
        style: style.outlineStyle,
        width: style.outlineWidth,
      };
    });
    expect(outline).toEqual({ label: "More tickets", style: "solid", width: "3px" });
    await buyerPage.keyboard.press("Tab");
    await buyerPage.keyboard.press("Enter");

    const success = buyerPage.getByTestId("purchase-success");
    await success.waitFor();
    orderId = (await success.getByTestId("order-id").textContent()) ?? "";
    expect(orderId).toMatch(/^ord_/);
    expect(await success.textContent()).toContain(`${FIRST_PURCHASE} tickets reserved`);
    expect(await success.getByText("Accepted").count()).toBe(1);

    // No reload: the availability poll brings the new count.
    await expectText(remaining, String(CAPACITY - FIRST_PURCHASE));
    await buyerPage.screenshot({ path: path.join(screenshotDir, "show.png") });
  });

  it("the order moves from accepted to persisted while the buyer watches", async () => {
    await buyerPage.getByRole("link", { name: "Track your order" }).click();
    await buyerPage.waitForURL(`**/orders/${orderId}`);
    await expectText(buyerPage.getByTestId("order-status"), "Persisted", 30_000);
    await buyerPage.getByText(showName).waitFor();
  });

  it("a parallel burst sells the rest and the show page says sold out", async () => {
    await buyerPage.getByRole("link", { name: "Back to the show" }).click();
    await expectText(buyerPage.getByTestId("remaining"), String(CAPACITY - FIRST_PURCHASE));

    const statuses = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        fetch(`${apiUrl}/shows/${showId}/orders`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Idempotency-Key": `e2e-burst-${showId}-${i}`,
            // Forty buyers, not one client hammering: keeps the per-client purchase rate limit out of this test.
            "X-Forwarded-For": `127.0.1.${i + 1}`,
          },
          body: JSON.stringify({ customerId: `burst_${i}`, quantity: 1 }),
        }).then((response) => response.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(CAPACITY - FIRST_PURCHASE);
    expect(statuses.filter((s) => s === 409)).toHaveLength(BURST - (CAPACITY - FIRST_PURCHASE));

    await buyerPage.getByTestId("sold-out-notice").waitFor({ timeout: 10_000 });
    await expectText(buyerPage.getByTestId("remaining"), "0");
    expect(await buyerPage.getByRole("button", { name: /^Buy \d/ }).count()).toBe(0);

    await buyerPage.getByRole("link", { name: "All shows" }).click();
    const card = buyerPage.getByTestId("show-card").filter({ hasText: showName });
    await card.getByText("Sold out").waitFor();
  });

  it("the admin panel shows every ticket sold and persisted, with the sales chart", async () => {
    const panel = adminPage.getByTestId("stats-panel").filter({ hasText: showName });
    await expectText(panel.getByTestId("stat-sold"), String(CAPACITY), 15_000);
    await expectText(panel.getByTestId("stat-persisted"), String(CAPACITY), 30_000);
    await expectText(panel.getByTestId("stat-pending"), "0");
    await expectText(panel.getByTestId("stat-remaining"), "0");
    expect(await panel.locator(".chart__bar[height]:not([height='0'])").count()).toBeGreaterThan(0);
    await adminPage.screenshot({ path: path.join(screenshotDir, "admin.png") });
  });
});

/** Waits until the element's whole text is `text` (the page polls, so values arrive on their own). */
async function expectText(locator: ReturnType<Page["getByTestId"]>, text: string, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout }).catch(() => null))?.trim() ?? null;
    if (last === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${locator} to read "${text}", last read "${last}"`);
}
