import type { Sales } from "@hotseat/core/sale";
import { Hono } from "hono";
import { errorResponse } from "./errors.ts";
import { availabilityHeaders, knownShowId } from "./routes/shows.ts";

/**
 * `GET /shows/:showId/availability` (any query string), matched on the request's absolute URL
 * before any router runs. Only a GET: HEAD and OPTIONS go through the main app.
 */
export const AVAILABILITY_POLL = /^[a-z]+:\/\/[^/]+\/shows\/[^/?#]+\/availability(?:\?|$)/;

export const isAvailabilityPoll = (request: Request) => request.method === "GET" && AVAILABILITY_POLL.test(request.url);

const pollHeaders = { ...availabilityHeaders, "Access-Control-Allow-Origin": "*" };

/**
 * The availability poll's own app. Polls are most of the traffic (every open show page, every
 * second), and an answer to one needs none of the main app's middleware: no body, no credential,
 * no correlation id, and the one CORS header it carries itself. With a single route, Hono calls
 * the handler directly; its headers are a plain object, which keeps @hono/node-server on its fast
 * response path. An error gets the CORS header and the same `onError` as every other route. The
 * main app still declares the route (for the document and for HEAD), with the same answer.
 */
export function availabilityPolls(sales: Sales) {
  const polls = new Hono();
  polls.onError((e, c) => {
    c.header("Access-Control-Allow-Origin", "*");
    return errorResponse(e, c);
  });
  const read = async (showId: string) =>
    new Response(await sales.availabilityJson(knownShowId(showId)), { headers: pollHeaders });
  polls.get("/shows/:showId/availability", (c) => {
    const showId = c.req.param("showId");
    // Most polls find a read another poll already answered, and wait on nothing.
    const ready = sales.availabilityJsonReady(showId);
    if (ready !== undefined) return new Response(ready, { headers: pollHeaders });
    return read(showId);
  });
  return polls;
}
