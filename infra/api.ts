import { buyerTokenKey, mail } from "./buyers";
import { lambdaDefaults } from "./lambda";
import { pump } from "./pump";
import { space } from "./space";
import { stageSettings } from "./stage";
import { table } from "./table";

/** Bearer token for the admin routes: `sst secret set AdminToken <value> --stage <stage>`. */
export const adminToken = new sst.Secret("AdminToken");

/**
 * An HTTP API rather than a function URL: it throttles a stampede at the edge of the account instead of letting it
 * all reach Lambda, writes access logs, and publishes the 4xx/5xx metrics the alarms watch.
 */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: {
    allowOrigins: ["*"],
    allowMethods: ["GET", "POST", "OPTIONS"],
    // Listed, not "*": browsers never let a wildcard cover Authorization.
    allowHeaders: ["authorization", "content-type", "idempotency-key"],
    maxAge: "1 day",
  },
  accessLog: { retention: "1 month" },
});

const { apiPrewarm } = stageSettings($app.stage);
const prewarmed = apiPrewarm > 0;

export const apiRoute = api.route("$default", {
  ...lambdaDefaults,
  handler: "packages/functions/src/api/lambda.handler",
  timeout: "10 seconds",
  memory: "1024 MB",
  link: [space, pump, table, adminToken, buyerTokenKey, mail],
  // Provisioned concurrency lives on a published version; the route then targets that version.
  versioning: prewarmed,
  concurrency: prewarmed ? { provisioned: apiPrewarm } : undefined,
});
