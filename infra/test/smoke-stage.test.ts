import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../packages/local/src/testing.ts";
import { root } from "./harness";

const run = promisify(execFile);
let t: TestStack;

beforeAll(async () => {
  // With its poller and a listening API: the script sees what a deployed stage would show, minus CloudFront and SQS.
  t = await startTestStack({ port: 0 });
});
afterAll(async () => {
  await t?.stop();
});

/** Runs the script; its exit status and output. */
async function smoke(env: Record<string, string>) {
  try {
    const { stdout } = await run("bash", [path.join(root, "scripts/smoke-stage.sh")], {
      cwd: root,
      timeout: 90_000,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", OUTPUTS_FILE: "/nonexistent", ...env },
    });
    return { code: 0, stdout };
  } catch (e) {
    const failure = e as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout };
  }
}

/** A buyer's token by the sign-in the design describes (a code in the local outbox), once the API has it. */
async function buyerToken(): Promise<string | undefined> {
  const openapi = await t.request("GET", "/openapi.json");
  if (!JSON.stringify(openapi.body).includes('"/auth/email"')) return undefined;
  const email = "smoke@example.com";
  await t.request("POST", "/auth/email", { body: { email } });
  const outbox = path.join(t.stack.dataDir, "outbox");
  const mail = fs
    .readdirSync(outbox)
    .map((f) => JSON.parse(fs.readFileSync(path.join(outbox, f), "utf8")))
    .find((m) => m.to === email);
  const code = String(mail.text).match(/\b\d{6,8}\b/)?.[0];
  const verified = await t.request("POST", "/auth/email/verify", { body: { email, code } });
  return verified.body.token;
}

it("checks health and a persisted purchase, and names the checks it could not run here", async () => {
  const token = await buyerToken();
  const result = await smoke({
    API_BASE: t.stack.apiUrl as string,
    ADMIN_TOKEN: t.stack.adminToken,
    EXPECT_CDN: "0",
    ...(token ? { BUYER_TOKEN: token } : {}),
  });
  expect(result.stdout).toMatch(/^ok {4}health: /m);
  expect(result.stdout).toMatch(/^ok {4}purchase persisted: ord_\w+ \(stats: sold 1, persisted 1, pending 0\)$/m);
  expect(result.stdout).toContain("== passed, but not checked: cached-poll dead-letters");
  expect(result.code).toBe(2);
});

it("fails, and says why, when the stage does not answer", async () => {
  const result = await smoke({ API_BASE: "http://127.0.0.1:9", ADMIN_TOKEN: "x", EXPECT_CDN: "0" });
  expect(result.stdout).toMatch(/^FAIL {2}health: 000/m);
  expect(result.code).not.toBe(0);
});

it("refuses to run without the admin token", async () => {
  const result = await smoke({ API_BASE: "http://127.0.0.1:9" });
  expect(result.code).toBe(1);
});
