import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A STAND-IN for Stripe's API, for tests only: Stripe's servers cannot be reached from here. It
 * answers the calls HotSeat makes (create, capture and cancel a PaymentIntent, create a refund) in
 * Stripe's shape, keeps each intent's status as Stripe moves it (a refund needs a captured intent, a
 * capture an uncanceled one), honours Idempotency-Key as Stripe does (the same key, the same answer),
 * and records every call so a test can check what the SDK sent. It moves no money and validates
 * nothing else. Every answer carries `Stand-In: not Stripe`.
 */
export interface StripeStandIn {
  url: string;
  calls: { method: string; path: string; idempotencyKey?: string; form: URLSearchParams }[];
  /** Each intent's status, as Stripe would hold it. */
  intents: Map<string, string>;
  /** What the buyer's browser does with Stripe.js: the card is authorized, the intent awaits capture. */
  authorize(intentId: string): void;
  /** The next `times` calls to a path ending so answer 500, as Stripe does in an outage. */
  failNext(pathSuffix: string, times?: number): void;
  stop(): Promise<void>;
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const calls: StripeStandIn["calls"] = [];
  const answered = new Map<string, string>();
  const intents = new Map<string, string>();
  const failing: string[] = [];
  let next = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
      calls.push({ method: req.method ?? "", path: req.url ?? "", idempotencyKey, form });
      const send = (status: number, json: string) => {
        res.writeHead(status, { "content-type": "application/json", "stand-in": "not Stripe" });
        res.end(json);
      };
      const refuse = (message: string) =>
        send(
          400,
          JSON.stringify({
            error: { type: "invalid_request_error", code: "payment_intent_unexpected_state", message },
          }),
        );
      const failAt = failing.findIndex((suffix) => req.url?.endsWith(suffix));
      if (failAt >= 0) {
        failing.splice(failAt, 1);
        return send(500, JSON.stringify({ error: { type: "api_error", message: "stand-in outage" } }));
      }
      const replay = idempotencyKey ? answered.get(`${req.url}\n${idempotencyKey}`) : undefined;
      if (replay) return send(200, replay);
      const read = /^\/v1\/payment_intents\/([^/?]+)(\?.*)?$/.exec(req.url ?? "");
      if (req.method === "GET" && read) {
        const id = read[1] ?? "";
        const status = intents.get(id);
        if (status === undefined)
          return send(404, JSON.stringify({ error: { type: "invalid_request_error", message: `no intent ${id}` } }));
        return send(200, JSON.stringify({ id, object: "payment_intent", status }));
      }
      const intentAction = /^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/.exec(req.url ?? "");
      let answer: Record<string, unknown>;
      if (req.method === "POST" && req.url === "/v1/payment_intents" && Number(form.get("amount")) < 50) {
        // As Stripe answers an amount below its minimum charge.
        return send(
          400,
          JSON.stringify({
            error: {
              type: "invalid_request_error",
              code: "amount_too_small",
              message: "Amount must be at least 50 cents",
            },
          }),
        );
      }
      if (req.method === "POST" && req.url === "/v1/payment_intents") {
        const id = `pi_standin_${++next}`;
        const metadata: Record<string, string> = {};
        for (const [k, v] of form) if (k.startsWith("metadata[")) metadata[k.slice(9, -1)] = v;
        answer = {
          id,
          object: "payment_intent",
          amount: Number(form.get("amount")),
          currency: form.get("currency"),
          client_secret: `${id}_secret_standin`,
          metadata,
          capture_method: form.get("capture_method") ?? "automatic",
          status: "requires_payment_method",
        };
        intents.set(id, "requires_payment_method");
      } else if (req.method === "POST" && intentAction) {
        const [, id = "", action] = intentAction;
        const status = intents.get(id);
        if (status === undefined)
          return send(404, JSON.stringify({ error: { type: "invalid_request_error", message: `no intent ${id}` } }));
        if (action === "capture" && status !== "requires_capture")
          return refuse(`this PaymentIntent is ${status}; only requires_capture can be captured`);
        if (action === "cancel" && status === "succeeded") return refuse("a captured PaymentIntent cannot be canceled");
        intents.set(id, action === "capture" ? "succeeded" : "canceled");
        answer = { id, object: "payment_intent", status: intents.get(id) };
      } else if (req.method === "POST" && req.url === "/v1/refunds") {
        const intent = form.get("payment_intent") ?? "";
        if (intents.has(intent) && intents.get(intent) !== "succeeded")
          return refuse("this PaymentIntent does not have a successful charge to refund");
        answer = {
          id: `re_standin_${++next}`,
          object: "refund",
          payment_intent: form.get("payment_intent"),
          status: "succeeded",
        };
      } else {
        return send(
          404,
          JSON.stringify({
            error: { type: "invalid_request_error", message: "the stand-in knows only PaymentIntents and refunds" },
          }),
        );
      }
      const json = JSON.stringify(answer);
      if (idempotencyKey) answered.set(`${req.url}\n${idempotencyKey}`, json);
      send(200, json);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    intents,
    authorize: (intentId) => {
      if (intents.get(intentId) === "requires_payment_method") intents.set(intentId, "requires_capture");
    },
    failNext: (suffix, times = 1) => {
      for (let i = 0; i < times; i++) failing.push(suffix);
    },
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
