import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A STAND-IN for Stripe's API, for tests only: Stripe's servers cannot be reached from here. It
 * answers the two calls HotSeat makes (create a PaymentIntent, create a refund) in Stripe's shape,
 * honours Idempotency-Key as Stripe does (the same key, the same answer), and records every call so
 * a test can check what the SDK sent. It moves no money and validates nothing else. Every answer
 * carries `Stand-In: not Stripe`.
 */
export interface StripeStandIn {
  url: string;
  calls: { method: string; path: string; idempotencyKey?: string; form: URLSearchParams }[];
  stop(): Promise<void>;
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const calls: StripeStandIn["calls"] = [];
  const answered = new Map<string, string>();
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
      const replay = idempotencyKey ? answered.get(`${req.url}\n${idempotencyKey}`) : undefined;
      if (replay) return send(200, replay);
      let answer: Record<string, unknown>;
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
          status: "requires_payment_method",
        };
      } else if (req.method === "POST" && req.url === "/v1/refunds") {
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
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
