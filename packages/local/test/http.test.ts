import http from "node:http";
import { sleep } from "@hotseat/core/util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing.ts";

// Over a real socket, not app.request: what browsers and CDNs see.
let t: TestStack;
let base: URL;
beforeAll(async () => {
  t = await startTestStack({ port: 0, poll: false });
  base = new URL(t.stack.apiUrl ?? "");
});
afterAll(async () => {
  await t?.stop();
});

function send(method: string, path: string, headers: Record<string, string>, chunks: string[] = []) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

it("answers a CORS preflight for the purchase route and lets browsers read the headers they need", async () => {
  const show = await t.createShow({ capacity: 5 });
  const pre = await send("OPTIONS", `/shows/${show.id}/orders`, {
    origin: "https://shop.example",
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type,idempotency-key",
  });
  expect(pre.status).toBe(204);
  expect(pre.headers["access-control-allow-origin"]).toBe("*");
  expect(String(pre.headers["access-control-allow-headers"]).toLowerCase()).toContain("idempotency-key");
  expect(String(pre.headers["access-control-allow-methods"])).toContain("POST");

  const get = await send("GET", `/shows/${show.id}/availability`, { origin: "https://shop.example" });
  expect(get.status).toBe(200);
  expect(get.headers["access-control-allow-origin"]).toBe("*");
});

it("refuses an oversized body with 413, declared or chunked, and takes nothing", async () => {
  const show = await t.createShow({ capacity: 5 });
  await t.preload(show.id);
  const body = JSON.stringify({ customerId: "big", quantity: 1, pad: "x".repeat(20_000) });
  const common = { "content-type": "application/json", "idempotency-key": "oversized-key-1" };
  const declared = await send(
    "POST",
    `/shows/${show.id}/orders`,
    { ...common, "content-length": String(body.length) },
    [body],
  );
  expect(declared.status).toBe(413);
  expect(JSON.parse(declared.body)).toMatchObject({ code: "payload_too_large" });
  expect(declared.headers["access-control-expose-headers"]).toContain("Retry-After");

  const chunked = await send("POST", `/shows/${show.id}/orders`, { ...common, "transfer-encoding": "chunked" }, [
    body.slice(0, 10_000),
    body.slice(10_000),
  ]);
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.body)).toMatchObject({ code: "payload_too_large" });

  const avail = await send("GET", `/shows/${show.id}/availability`, {});
  expect(JSON.parse(avail.body).remaining).toBe(5);
});

it("answers an availability poll with a fresh read's JSON and its cache and CORS headers, also on a 404", async () => {
  const show = await t.createShow({ capacity: 7 });
  await t.preload(show.id);
  const path = `/shows/${show.id}/availability`;
  const poll = async () => {
    const res = await send("GET", path, { origin: "https://shop.example" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["cache-control"]).toBe("public, max-age=1, stale-while-revalidate=1");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(res.body)));
    return res.body;
  };
  // The body is serialized once per shared read and kept with it: it must be that read's JSON.
  const fresh = async () => JSON.stringify(await t.stack.runtime.sales.availability(show.id));
  expect(await poll()).toBe(await fresh());
  expect(JSON.parse(await poll())).toEqual({ showId: show.id, remaining: 7, held: 0, soldOut: false, onSale: true });

  expect((await t.buy(show.id, "poller", 2, "poll-key-0001")).status).toBe(201);
  await sleep(250); // past the 200 ms a read is shared
  expect(JSON.parse(await poll())).toMatchObject({ remaining: 5 });
  expect(await poll()).toBe(await fresh());

  // A cache-busting query string is still a poll.
  const busted = await send("GET", `${path}?t=${Date.now()}`, { origin: "https://shop.example" });
  expect(busted.status).toBe(200);
  expect(busted.headers["access-control-allow-origin"]).toBe("*");
  expect(busted.body).toBe(await fresh());

  const head = await send("HEAD", path, {});
  expect(head.status).toBe(200);
  expect(head.headers["cache-control"]).toBe("public, max-age=1, stale-while-revalidate=1");
  expect(head.body).toBe("");

  const beyond = await send("GET", `${path}/more`, { origin: "https://shop.example" });
  expect(beyond.status).toBe(404);
  expect(JSON.parse(beyond.body)).toMatchObject({ code: "not_found" });

  for (const missing of ["/shows/shw_01M8K746YHNN6VVTREMPNQJXK9/availability", "/shows/nope/availability"]) {
    const res = await send("GET", missing, { origin: "https://shop.example" });
    expect(res.status, missing).toBe(404);
    expect(res.headers["access-control-allow-origin"], missing).toBe("*");
    expect(JSON.parse(res.body), missing).toMatchObject({ code: "show_not_found", message: expect.any(String) });
  }
});
