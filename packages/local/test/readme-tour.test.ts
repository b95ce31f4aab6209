import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../src/stack.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

// README's tour of the API, run as written against a real local stack: only its address and data folder differ.
const run = promisify(execFile);
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ port: 0 });
});
afterAll(async () => {
  await t?.stop();
});

it("runs README's tour of the API: admin, sign-in through the outbox, a purchase, the buyer's orders", async () => {
  const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const tour = readme.slice(readme.indexOf("## A tour of the API"));
  const script = /```sh\n([\s\S]*?)```/.exec(tour)?.[1] ?? "";
  expect(script).toContain("/auth/email/verify");
  const local = script
    .replaceAll("http://127.0.0.1:3000", t.stack.apiUrl ?? "")
    .replaceAll(".data/outbox", path.relative(repoRoot, t.stack.outboxDir));
  const { stdout } = await run("bash", ["-euo", "pipefail", "-c", local], { cwd: repoRoot, timeout: 60_000 });
  const answers = stdout
    .replaceAll("}{", "}\n{")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const orders = answers.filter((a) => a.order).map((a) => a.order);
  const order = orders.at(-1);
  expect(order).toMatchObject({ quantity: 2, status: "confirmed", customerId: expect.stringMatching(/^cus_/) });
  expect(answers.find((a) => a.checkout)?.checkout).toMatchObject({ provider: "test", amountCents: 9800 });
  expect(answers.find((a) => a.orders)?.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
  expect(answers.find((a) => "onSale" in a)).toMatchObject({ remaining: 498, onSale: true });
  expect(answers.find((a) => "pendingOrders" in a)).toMatchObject({ capacity: 500, sold: 2 });
});
