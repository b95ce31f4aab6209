// The ceiling: Hono's hello-world on the same Node and the same server adapter as the API.
// GET / is the classic hello-world; POST /echo also reads a JSON body, as a purchase does.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { serveParent } from "../child.ts";

const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));
app.post("/echo", async (c) => c.json(await c.req.json(), 201));

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
  serveParent(
    { url: `http://127.0.0.1:${info.port}` },
    {},
    () => new Promise<void>((done) => server.close(() => done())),
  );
});
