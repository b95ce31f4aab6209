import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { readConfig } from "../config.ts";
import { createMetrics, recordApiAnswer } from "../metrics.ts";
import { createRuntime } from "../runtime.ts";
import { appFor } from "./app.ts";

// Module scope: one Redis client and one set of SDK clients per Lambda instance, reused by
// every invocation it serves. A Lambda serves one request at a time, so no linger is useful.
const runtime = createRuntime(readConfig(), { publisher: { lingerMs: 0 } });

// API Gateway's sourceIp is the caller (behind CloudFront, the viewer CloudFront recorded). Raise the hops
// only for a proxy of ours that API Gateway does not see through.
export const app = appFor(runtime, {
  address: { trustedProxyHops: Number(process.env.HOTSEAT_TRUSTED_PROXY_HOPS ?? 0) },
});

const serve = handle(app);
/** What the HTTP API (payload 2.0) puts in every event, the part the metrics read. */
type HttpApiEvent = { rawPath: string; requestContext: { http: { method: string } } };
const metrics = createMetrics("api");

/** The Hono app behind API Gateway; purchases, payments, 429s and 503s also become CloudWatch metrics (EMF). */
export const handler = async (event: LambdaEvent & HttpApiEvent, context: LambdaContext) => {
  const answer = await serve(event, context);
  if (recordApiAnswer(metrics, event.requestContext.http.method, event.rawPath, answer.statusCode))
    metrics.publishStoredMetrics();
  return answer;
};
