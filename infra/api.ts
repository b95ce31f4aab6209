import { DOCS_ASSETS, DOCS_PACKAGE } from "../packages/functions/src/api/docs-assets.ts";
import { buyerTokenKey, mail } from "./buyers";
import { lambdaDefaults } from "./lambda";
import { payments, stripeSecrets } from "./payments";
import { pump } from "./pump";
import { rebuildLinks } from "./rebuild";
import { space } from "./space";
import { stageSettings } from "./stage";
import { table } from "./table";

/** Bearer token for the admin routes: `sst secret set AdminToken <value> --stage <stage>`. */
export const adminToken = new sst.Secret("AdminToken");

const { apiPrewarm, apiRateLimit, apiBurstLimit } = stageSettings($app.stage);

/**
 * An HTTP API rather than a function URL: its stage throttle refuses a stampede with 429 before it reaches Lambda,
 * it writes access logs, and it publishes the 4xx/5xx metrics the alarms watch.
 */
export const api = new sst.aws.ApiGatewayV2("Api", {
  // Off: an HTTP API with CORS configured answers preflights itself and drops the integration's CORS headers, so the
  // browser could not read Retry-After or Idempotent-Replayed. On AWS the storefront calls the API on its own origin
  // (infra/web.ts); direct callers (`sst dev`'s Vite server) get the app's own CORS headers.
  cors: false,
  accessLog: { retention: "1 month" },
  transform: {
    stage: { defaultRouteSettings: { throttlingRateLimit: apiRateLimit, throttlingBurstLimit: apiBurstLimit } },
  },
});
const prewarmed = apiPrewarm > 0;

export const apiRoute = api.route("$default", {
  ...lambdaDefaults,
  handler: "packages/functions/src/api/lambda.handler",
  timeout: "10 seconds",
  memory: "1024 MB",
  link: [space, pump, table, ...rebuildLinks, adminToken, buyerTokenKey, mail, payments, ...stripeSecrets],
  // The reference page's files (`GET /docs/…`), beside the bundle as the package the API resolves them from: read
  // from disk by the one request that needs them, rather than parsed by every cold start inside the bundle.
  copyFiles: ["package.json", ...Object.keys(DOCS_ASSETS)].map((file) => ({
    from: `packages/functions/node_modules/${DOCS_PACKAGE}/${file}`,
    to: `node_modules/${DOCS_PACKAGE}/${file}`,
  })),
  // Provisioned concurrency lives on a published version; the route then targets that version.
  versioning: prewarmed,
  concurrency: prewarmed ? { provisioned: apiPrewarm } : undefined,
});
