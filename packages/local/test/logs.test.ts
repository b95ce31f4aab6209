import { sleep } from "@hotseat/core/util";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

it("writes one JSON line per event, follows a purchase by its correlation id and trace header into the writer, and leaks no customer id or token", async () => {
  const show = await t.createShow({ capacity: 10 });
  await t.preload(show.id);
  const token = await t.tokenFor("alice.secret@example.com");
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  const out = vi.spyOn(console, "log").mockImplementation(capture);
  const err = vi.spyOn(console, "error").mockImplementation(capture);
  const level = process.env.HOTSEAT_LOG_LEVEL;
  process.env.HOTSEAT_LOG_LEVEL = "debug";
  try {
    const res = await t.request("POST", `/shows/${show.id}/orders`, {
      body: { quantity: 2 },
      idempotencyKey: "log-key-0001",
      headers: {
        "x-correlation-id": "trace-me-123",
        "x-amzn-trace-id": "Root=1-5f84c7a1-0123456789abcdef01234567;Sampled=1",
        authorization: `Bearer ${token}`,
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-correlation-id")).toBe("trace-me-123");
    await t.stack.drain();
    for (let i = 0; i < 50 && !lines.some((l) => l.includes("writer.batch")); i++) await sleep(20);
  } finally {
    process.env.HOTSEAT_LOG_LEVEL = level;
    out.mockRestore();
    err.mockRestore();
  }
  const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const accepted = events.find((e) => e.event === "order.accepted");
  expect(accepted).toMatchObject({ level: "debug", correlationId: "trace-me-123", quantity: 2 });
  expect(accepted?.customer).toMatch(/^cus#[0-9a-f]{8}$/);
  const written = events.find(
    (e) => e.event === "writer.batch" && (e.correlationIds as string[]).includes("trace-me-123"),
  );
  expect(written).toMatchObject({ persisted: 1, failed: 0 });
  // The request's X-Ray trace header travelled with the order through the pump into the writer's line.
  expect(written?.traceIds).toEqual(["Root=1-5f84c7a1-0123456789abcdef01234567;Sampled=1"]);
  for (const line of lines) {
    expect(line).not.toContain("alice.secret");
    expect(line).not.toContain(t.stack.adminToken);
    expect(line).not.toContain(token.split(".")[2]);
  }
});
