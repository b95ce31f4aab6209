// One file: one real stack and one headless Chromium, started once, carry every storefront journey in turn.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readOutbox } from "@hotseat/core/mail";
import { sleep } from "@hotseat/core/util";
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
const LIMIT_PER_CUSTOMER = 4;
// The burst: this many signed-in buyers, each sending LIMIT_PER_CUSTOMER one-ticket purchases at once, so no one of
// them can pass the limit and every refusal is the sold-out one.
const BURST_BUYERS = 10;
const BURST = BURST_BUYERS * LIMIT_PER_CUSTOMER;
const showName = "The Midnight Echoes";
const buyerEmail = "fan@example.com";
// The test provider's cards (DESIGN.md, "Checkout"): no money moves.
const CARD_PAYS = "4242424242424242";
const CARD_DECLINES = "4000000000000002";
// A show whose holds lapse in seconds, to watch one expire.
const shortShowName = "The Five Second Hold";
const SHORT_CAPACITY = 3;
const SHORT_HOLD_SECONDS = 5;
const lateBuyerEmail = "late@example.com";

let screenshotDir: string;
let stack: Stack;
let browser: Browser;
let adminPage: Page;
let buyerPage: Page;
// Another fan's tab, left open on the short-hold show's page, to watch its count.
let watcherPage: Page;
let webUrl: string;
let apiUrl: string;
let showId: string;
let orderId: string;
let shortShowId: string;
const tempDirs: string[] = [];
// Anything the browser refused under the Content-Security-Policy (it reports each on the console).
const cspViolations: string[] = [];

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
  watcherPage = await context.newPage();
  for (const page of [adminPage, buyerPage, watcherPage]) {
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
    page.on("console", (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
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
    await adminPage.getByLabel("Limit per customer").fill(String(LIMIT_PER_CUSTOMER));
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

  it("a signed-out buyer sees the show and the live count, signs in at Buy through the local outbox, and buys with the keyboard", async () => {
    const response = await buyerPage.goto(webUrl);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ${new URL(apiUrl).origin}`);
    await buyerPage.getByRole("link", { name: "Sign in" }).waitFor();

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

    // Not signed in: Buy asks for it inline, with the cursor in the email field.
    await buyerPage.getByRole("heading", { name: "Sign in to buy" }).waitFor();
    const email = buyerPage.getByRole("textbox", { name: "Email address" });
    await expectFocused(email);
    await buyerPage.keyboard.type(buyerEmail);
    await buyerPage.keyboard.press("Enter");

    // Locally no mail is sent: the code step links to the outbox, which opens in a new tab.
    const codeField = buyerPage.getByRole("textbox", { name: "Code" });
    await codeField.waitFor();
    const [outboxPage] = await Promise.all([
      buyerPage.waitForEvent("popup"),
      buyerPage.getByRole("link", { name: "Open the local outbox" }).click(),
    ]);
    const message = outboxPage.getByRole("article").filter({ hasText: buyerEmail }).first();
    const code = ((await message.getByTestId("outbox-code").textContent()) ?? "").trim();
    expect(code).toMatch(/^\d{6,8}$/);
    // The page shows what the stack wrote: the newest file for this address has the same code.
    expect(await latestCodeInOutboxFiles(buyerEmail)).toBe(code);
    await outboxPage.close();

    await codeField.fill(code);
    await buyerPage.keyboard.press("Enter");

    // Signed in, the purchase goes on by itself with the quantity picked before.
    const success = buyerPage.getByTestId("purchase-success");
    await success.waitFor();
    orderId = (await success.getByTestId("order-id").textContent()) ?? "";
    expect(orderId).toMatch(/^ord_/);
    expect(await success.textContent()).toContain(`${FIRST_PURCHASE} tickets reserved`);
    // A priced show: the tickets are held while the buyer pays, with the hold's countdown.
    await success.getByText("Held", { exact: true }).waitFor();
    await success.getByRole("timer", { name: "Time left to pay" }).waitFor();
    expect(await buyerPage.getByTestId("signed-in-email").textContent()).toBe(buyerEmail);

    // No reload: the availability poll brings the new count, and the held tickets beside it.
    await expectText(remaining, String(CAPACITY - FIRST_PURCHASE));
    await expectText(buyerPage.getByTestId("held"), String(FIRST_PURCHASE));
    await buyerPage.screenshot({ path: path.join(screenshotDir, "show.png") });
  });

  it("at checkout the test card 4000…0002 is declined, the hold stays, and 4242… confirms the order", async () => {
    await buyerPage.getByRole("link", { name: "Pay now" }).click();
    await buyerPage.waitForURL(`**/orders/${orderId}/checkout`);
    const checkout = buyerPage.getByRole("region", { name: "Checkout" });
    await checkout.getByText("Test payments: no money moves.").waitFor();
    expect(await checkout.getByRole("timer", { name: "Time left to pay" }).textContent()).toMatch(
      /^(10:00|9:[0-5]\d)$/,
    );

    const card = checkout.getByRole("textbox", { name: "Card number" });
    const pay = checkout.getByRole("button", { name: "Pay $119.00" });
    await card.fill(CARD_DECLINES);
    await pay.click();
    const declined = checkout.getByRole("alert");
    await declined.getByText("Your card was declined.").waitFor();
    expect(await declined.textContent()).toContain("still held");
    await buyerPage.screenshot({ path: path.join(screenshotDir, "checkout.png") });
    await expectOrderStatus(orderId, await buyerToken(buyerPage), "held");

    await card.fill(CARD_PAYS);
    await pay.click();
    const confirmed = buyerPage.getByRole("region", { name: "Payment received: you're going!" });
    await confirmed.waitFor();
    await expectOrderStatus(orderId, await buyerToken(buyerPage), "confirmed");
    await confirmed.getByRole("link", { name: "View your order" }).click();
  });

  it("the order moves to persisted while the buyer watches, and is listed under My orders", async () => {
    await buyerPage.waitForURL(`**/orders/${orderId}`);
    await expectText(buyerPage.getByTestId("order-status"), "Confirmed");
    await waitForPersisted(buyerPage);
    await buyerPage.getByText(showName).waitFor();

    await buyerPage.getByRole("link", { name: "My orders" }).click();
    await buyerPage.waitForURL("**/me/orders");
    const mine = buyerPage.getByTestId("my-order");
    await mine.first().waitFor();
    expect(await mine.count()).toBe(1);
    expect(await mine.first().textContent()).toContain(showName);
    expect(await mine.first().textContent()).toContain("Confirmed");
    await mine
      .first()
      .getByRole("link", { name: /^View order/ })
      .click();
    await buyerPage.waitForURL(`**/orders/${orderId}`);
  });

  it("the order page is for its buyer only: signed out, it asks to sign in again", async () => {
    await buyerPage.getByRole("button", { name: "Sign out" }).click();
    await buyerPage.getByRole("heading", { name: "Sign in to see this order" }).waitFor();
    expect(await buyerPage.getByTestId("order-status").count()).toBe(0);
    // Nobody else gets it either: without a token the API refuses, with another buyer's it says there is no such order.
    expect((await fetch(`${apiUrl}/orders/${orderId}`)).status).toBe(401);
    const stranger = await signInThroughApi("stranger@example.com");
    const asStranger = await fetch(`${apiUrl}/orders/${orderId}`, { headers: { Authorization: `Bearer ${stranger}` } });
    expect(asStranger.status).toBe(404);
  });

  it("a parallel burst of signed-in buyers sells the rest and the show page says sold out", async () => {
    await buyerPage.goto(`${webUrl}/shows/${showId}`);
    await expectText(buyerPage.getByTestId("remaining"), String(CAPACITY - FIRST_PURCHASE));

    // Signed in ahead of the sale, as fans are.
    const tokens: string[] = [];
    for (let b = 0; b < BURST_BUYERS; b++) tokens.push(await signInThroughApi(`burst-${b}@example.com`));
    const answers = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const response = await fetch(`${apiUrl}/shows/${showId}/orders`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Idempotency-Key": `e2e-burst-${showId}-${i}`,
            Authorization: `Bearer ${tokens[i % BURST_BUYERS]}`,
          },
          body: JSON.stringify({ quantity: 1 }),
        });
        return { status: response.status, body: await response.json(), token: tokens[i % BURST_BUYERS] };
      }),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(CAPACITY - FIRST_PURCHASE);
    expect(statuses.filter((s) => s === 409)).toHaveLength(BURST - (CAPACITY - FIRST_PURCHASE));
    // Held tickets may come back, so the show is sold out once they are paid (the test provider's card).
    const held = answers.filter((a) => a.status === 201);
    expect(held.every((a) => a.body.order.status === "held")).toBe(true);
    for (const a of held) {
      const paid = await fetch(`${apiUrl}/orders/${a.body.order.id}/test-payment`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${a.token}` },
        body: JSON.stringify({ card: CARD_PAYS }),
      });
      expect(paid.status).toBe(200);
    }

    await buyerPage.getByTestId("sold-out-notice").waitFor({ timeout: 10_000 });
    await expectText(buyerPage.getByTestId("remaining"), "0");
    await expectText(buyerPage.getByTestId("held"), "0");
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
    await expectText(panel.getByTestId("stat-confirmed"), String(CAPACITY));
    await expectText(panel.getByTestId("stat-held"), "0");
    await expectText(panel.getByTestId("stat-expired"), "0");
    await expectText(panel.getByTestId("stat-conversion"), "100%");
    expect(await panel.locator(".chart__bar[height]:not([height='0'])").count()).toBeGreaterThan(0);
    await panel.getByRole("img", { name: /^Conversion 100% now/ }).waitFor();
    await adminPage.screenshot({ path: path.join(screenshotDir, "admin.png") });
  });

  it("an admin refunds a confirmed order from the console, and its tickets go back on sale", async () => {
    const refund = adminPage.getByRole("form", { name: "Refund an order" });
    await refund.getByLabel("Order id").fill(orderId);
    await refund.getByRole("button", { name: "Refund" }).click();
    await refund
      .getByRole("status")
      .filter({ hasText: `Refunded ${orderId}` })
      .waitFor();
    const panel = adminPage.getByTestId("stats-panel").filter({ hasText: showName });
    await expectText(panel.getByTestId("stat-refunded"), String(FIRST_PURCHASE));
    await expectText(panel.getByTestId("stat-remaining"), String(FIRST_PURCHASE));
    // Asked again, it refunds nothing more: the same refunded order.
    const [again] = await Promise.all([
      adminPage.waitForResponse((r) => r.url().endsWith(`/admin/orders/${orderId}/refund`)),
      refund.getByRole("button", { name: "Refund" }).click(),
    ]);
    expect(again.status()).toBe(200);
    await refund
      .getByRole("status")
      .filter({ hasText: `Refunded ${orderId}` })
      .waitFor();
    await expectText(panel.getByTestId("stat-refunded"), String(FIRST_PURCHASE));
    // The buyer's order page says so, once they sign in again.
    await buyerPage.goto(`${webUrl}/orders/${orderId}`);
    await buyerPage.getByRole("heading", { name: "Sign in to see this order" }).waitFor();
    await signInThroughForm(buyerPage, buyerEmail);
    await expectText(buyerPage.getByTestId("order-status"), "Refunded");
    await buyerPage.getByText(/went back to you/).waitFor();
    await buyerPage.getByRole("button", { name: "Sign out" }).click();
  });

  it("a hold of a show with a 5 s hold counts down to zero, expires, and its ticket is back on sale", async () => {
    await adminPage.getByLabel("Show name").fill(shortShowName);
    await adminPage.getByLabel("Venue").fill("Melkweg, Amsterdam");
    await adminPage.getByLabel("Price (USD)").fill("20");
    await adminPage.getByLabel("Capacity").fill(String(SHORT_CAPACITY));
    await adminPage.getByLabel("Hold (seconds)").fill(String(SHORT_HOLD_SECONDS));
    await adminPage.getByRole("button", { name: "Create show" }).click();
    const panel = adminPage.getByTestId("stats-panel").filter({ hasText: shortShowName });
    await panel.waitFor();
    shortShowId = (await panel.getAttribute("data-show-id")) ?? "";
    await panel.getByRole("button", { name: "Preload & open sale" }).click();
    await panel.getByText("On sale", { exact: true }).waitFor();
    const created = (await (await fetch(`${apiUrl}/shows/${shortShowId}`)).json()) as { show: { holdSeconds: number } };
    expect(created.show.holdSeconds).toBe(SHORT_HOLD_SECONDS);

    // Another fan watches the count from their own tab the whole time.
    await watcherPage.goto(`${webUrl}/shows/${shortShowId}`);
    const remaining = watcherPage.getByTestId("remaining");
    const held = watcherPage.getByTestId("held");
    await expectText(remaining, String(SHORT_CAPACITY));

    await buyerPage.goto(`${webUrl}/sign-in?next=${encodeURIComponent(`/shows/${shortShowId}`)}`);
    await signInThroughForm(buyerPage, lateBuyerEmail);
    await buyerPage.waitForURL(`**/shows/${shortShowId}`);
    await buyerPage.getByRole("button", { name: "Buy 1 ticket" }).click();
    const success = buyerPage.getByTestId("purchase-success");
    await success.waitFor();
    const heldOrderId = ((await success.getByTestId("order-id").textContent()) ?? "").trim();
    await success.getByRole("link", { name: "Pay now" }).click();
    await buyerPage.waitForURL(`**/orders/${heldOrderId}/checkout`);
    const timer = buyerPage.getByRole("timer", { name: "Time left to pay" });
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/^0:0[1-5]$/);
    await expectText(remaining, String(SHORT_CAPACITY - 1));
    await expectText(held, "1");

    // The countdown reaches zero; the page reads the order again and says the hold expired.
    const expired = buyerPage.getByRole("region", { name: "Your hold expired" });
    await expired.waitFor({ timeout: (SHORT_HOLD_SECONDS + 3) * 1000 });
    expect(await expired.textContent()).toContain("went back on sale");
    await expectOrderStatus(heldOrderId, await buyerToken(buyerPage), "expired");
    // Back on sale: the other fan's page counts it again, with nothing held.
    await expectText(remaining, String(SHORT_CAPACITY));
    await expectText(held, "0");

    // Buying again is a new purchase (a new Idempotency-Key): a new held order, not the expired one replayed.
    await expired.getByRole("button", { name: "Buy 1 ticket again" }).click();
    await buyerPage.waitForURL(
      (url) => /\/orders\/ord_\w+\/checkout$/.test(url.pathname) && !url.pathname.includes(heldOrderId),
    );
    await buyerPage.getByRole("region", { name: "Checkout" }).getByRole("timer").waitFor();
    await expectText(remaining, String(SHORT_CAPACITY - 1));
  });

  it("releasing the tickets at checkout puts them back on sale at once", async () => {
    const checkoutUrl = new URL(buyerPage.url());
    const releasedOrderId = checkoutUrl.pathname.split("/")[2] ?? "";
    await buyerPage.getByRole("button", { name: "Release tickets" }).click();
    const released = buyerPage.getByRole("region", { name: "Tickets released" });
    await released.waitFor();
    await expectOrderStatus(releasedOrderId, await buyerToken(buyerPage), "cancelled");
    await expectText(watcherPage.getByTestId("remaining"), String(SHORT_CAPACITY));
    await expectText(watcherPage.getByTestId("held"), "0");

    await released.getByRole("link", { name: "Back to the show" }).click();
    await expectText(buyerPage.getByTestId("remaining"), String(SHORT_CAPACITY));

    await buyerPage.goto(`${webUrl}/orders/${releasedOrderId}`);
    await expectText(buyerPage.getByTestId("order-status"), "Cancelled");

    // Only a confirmed order is refunded: the console says why a released one is not.
    const refund = adminPage.getByRole("form", { name: "Refund an order" });
    await refund.getByLabel("Order id").fill(releasedOrderId);
    await refund.getByRole("button", { name: "Refund" }).click();
    await refund.getByRole("alert").filter({ hasText: "Only a confirmed order can be refunded" }).waitFor();

    const panel = adminPage.getByTestId("stats-panel").filter({ hasText: shortShowName });
    await expectText(panel.getByTestId("stat-expired"), "1");
    await expectText(panel.getByTestId("stat-cancelled"), "1");
    await expectText(panel.getByTestId("stat-held"), "0");
    await expectText(panel.getByTestId("stat-remaining"), String(SHORT_CAPACITY));
  });

  it("the browser refused nothing under the Content-Security-Policy", () => {
    expect(cspViolations).toEqual([]);
  });
});

/** The code in the newest message the stack wrote to `to`, read straight from its outbox folder. */
async function latestCodeInOutboxFiles(to: string): Promise<string | undefined> {
  const message = (await readOutbox(stack.outboxDir)).find((m) => m.to === to);
  const runs = (message?.text.match(/\d+/g) ?? []).filter((run) => run.length >= 6 && run.length <= 8);
  return runs.length === 1 ? runs[0] : undefined;
}

/** Signs a buyer in as a script would: ask for a code, read it from the outbox files, trade it for a token. */
async function signInThroughApi(email: string): Promise<string> {
  const asked = await fetch(`${apiUrl}/auth/email`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  expect(asked.status, `POST /auth/email for ${email}`).toBe(202);
  const deadline = Date.now() + 5_000;
  let code = await latestCodeInOutboxFiles(email);
  while (!code && Date.now() < deadline) {
    await sleep(50);
    code = await latestCodeInOutboxFiles(email);
  }
  if (!code) throw new Error(`no code in the outbox for ${email}`);
  const verified = await fetch(`${apiUrl}/auth/email/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, code }),
  });
  expect(verified.status, `POST /auth/email/verify for ${email}`).toBe(200);
  return ((await verified.json()) as { token: string }).token;
}

/** Signs in through the sign-in form, with the code read from the stack's outbox files. */
async function signInThroughForm(page: Page, email: string) {
  const before = await latestCodeInOutboxFiles(email);
  await page.getByRole("textbox", { name: "Email address" }).fill(email);
  await page.keyboard.press("Enter");
  const codeField = page.getByRole("textbox", { name: "Code" });
  await codeField.waitFor();
  const deadline = Date.now() + 5_000;
  let code = await latestCodeInOutboxFiles(email);
  while ((!code || code === before) && Date.now() < deadline) {
    await sleep(50);
    code = await latestCodeInOutboxFiles(email);
  }
  if (!code) throw new Error(`no code in the outbox for ${email}`);
  await codeField.fill(code);
  await page.keyboard.press("Enter");
}

/** The token of the buyer signed in on `page`, from the tab's session (where the storefront keeps it). */
async function buyerToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() => sessionStorage.getItem("hotseat.session"));
  const token = raw ? (JSON.parse(raw) as { token?: string }).token : undefined;
  if (!token) throw new Error("nobody is signed in on this page");
  return token;
}

/** Waits until the API says the order is `status` (a lapsed hold is expired by the space within a second). */
async function expectOrderStatus(id: string, token: string, status: string, timeout = 3_000) {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    const response = await fetch(`${apiUrl}/orders/${id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    last = ((await response.json()) as { order: { status: string } }).order.status;
    if (last === status) return;
    await sleep(100);
  }
  throw new Error(`expected order ${id} to be ${status}, last read ${last}`);
}

async function waitForPersisted(page: Page) {
  await expectText(page.getByTestId("order-persisted"), "Persisted", 30_000);
}

async function expectFocused(locator: ReturnType<Page["getByRole"]>) {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`expected ${locator} to have focus`);
}

/** Waits until the element's whole text is `text` (the page polls, so values arrive on their own). */
async function expectText(locator: ReturnType<Page["getByTestId"]>, text: string, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout }).catch(() => null))?.trim() ?? null;
    if (last === text) return;
    await sleep(100);
  }
  throw new Error(`expected ${locator} to read "${text}", last read "${last}"`);
}
