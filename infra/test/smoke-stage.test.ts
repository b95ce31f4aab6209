import { execFile } from "node:child_process";
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

it("asks for a sign-in code, then signs in with it and checks health and a persisted purchase", async () => {
  const base = { API_BASE: t.stack.apiUrl as string, ADMIN_TOKEN: t.stack.adminToken, EXPECT_CDN: "0" };
  const email = "smoke@example.com";
  const asked = await smoke({ ...base, BUYER_EMAIL: email });
  expect(asked.stdout).toContain(`a sign-in code was sent to ${email}`);
  expect(asked.stdout).toContain("== passed, but not checked: cached-poll purchase dead-letters");
  expect(asked.code).toBe(2);

  const result = await smoke({ ...base, BUYER_EMAIL: email, BUYER_CODE: await t.codeFor(email) });
  expect(result.stdout).toMatch(/^ok {4}health: /m);
  expect(result.stdout).toMatch(/^ok {4}purchase persisted: ord_\w+ \(stats: sold 1, persisted 1, pending 0\)$/m);
  expect(result.stdout).toContain("== passed, but not checked: cached-poll dead-letters");
  expect(result.code).toBe(2);
});

it("buys with a buyer token when given one", async () => {
  const result = await smoke({
    API_BASE: t.stack.apiUrl as string,
    ADMIN_TOKEN: t.stack.adminToken,
    EXPECT_CDN: "0",
    BUYER_TOKEN: await t.tokenFor("cus_smoke_token"),
  });
  expect(result.stdout).toMatch(/^ok {4}purchase persisted: /m);
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
