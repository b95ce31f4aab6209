import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OutboxMailer } from "@hotseat/core/mail";
import { sleep } from "@hotseat/core/util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../../web/csp.ts";
import { OUTBOX_PATH, serveWeb } from "../src/web-server.ts";

// The local static server of the built storefront, over a real socket, with a stand-in dist/ and data folder.
const API_URL = "http://127.0.0.1:3999";
let root: string;
let dataDir: string;
let web: Awaited<ReturnType<typeof serveWeb>>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-web-server-"));
  const dist = path.join(root, "dist");
  dataDir = path.join(root, "data");
  fs.mkdirSync(path.join(dist, "assets"), { recursive: true });
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>HotSeat</title>");
  fs.writeFileSync(path.join(dist, "assets", "app.js"), "console.log(1);");
  web = await serveWeb(dist, API_URL, 0, path.join(dataDir, "outbox"));
});

afterAll(async () => {
  await web?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("serveWeb", () => {
  it("tells the storefront where the API is and that it runs locally, with its outbox", async () => {
    const response = await fetch(`${web.url}/config.js`);
    const script = await response.text();
    const window: Record<string, unknown> = {};
    new Function("window", script)(window);
    expect(window).toEqual({ __HOTSEAT_API__: API_URL, __HOTSEAT_LOCAL_OUTBOX__: OUTBOX_PATH });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("sends a Content-Security-Policy on every response: pages, assets, config and the outbox", async () => {
    const csp = contentSecurityPolicy({ apiOrigin: new URL(API_URL).origin });
    for (const page of ["/", "/shows/shw_x", "/assets/app.js", "/config.js", OUTBOX_PATH]) {
      const response = await fetch(`${web.url}${page}`);
      expect(response.status, page).toBe(200);
      expect(response.headers.get("content-security-policy"), page).toBe(csp);
      expect(response.headers.get("x-content-type-options"), page).toBe("nosniff");
    }
    const directives = new Map(
      csp.split("; ").map((d) => {
        const [name, ...values] = d.split(" ");
        return [name, values] as const;
      }),
    );
    expect(directives.get("connect-src")).toEqual(["'self'", "http://127.0.0.1:3999"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("default-src")).toEqual(["'self'"]);
  });

  it("lists no messages while the outbox folder does not exist", async () => {
    const response = await fetch(`${web.url}${OUTBOX_PATH}`);
    expect(await response.json()).toEqual({ messages: [] });
  });

  it("lists what the local mailer wrote, newest first", async () => {
    const mailer = new OutboxMailer(path.join(dataDir, "outbox"));
    const older = { to: "a@example.com", subject: "Your code", text: "Code 123456" };
    const newer = { to: "b@example.com", subject: "Your code", text: "Code 654321" };
    await mailer.send(older);
    await sleep(5);
    await mailer.send(newer);

    const response = await fetch(`${web.url}${OUTBOX_PATH}`);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { messages } = (await response.json()) as { messages: { to: string; text: string; sentAt: string }[] };
    expect(messages).toMatchObject([newer, older]);
    expect(Date.parse(messages[0]?.sentAt ?? "")).toBeGreaterThan(Date.parse(messages[1]?.sentAt ?? ""));
  });
});
