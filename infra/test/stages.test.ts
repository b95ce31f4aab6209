import { beforeAll, describe, expect, it } from "vitest";
import { functionFor, type InfraRun, named, ofType, only, preparePlatform, runInfra } from "./harness";

const API = "packages/functions/src/api/lambda.handler";

let production: InfraRun;
let saleDay: InfraRun;
let dev: InfraRun;

beforeAll(async () => {
  await preparePlatform();
  [production, saleDay, dev] = await Promise.all([
    runInfra({ stage: "prod" }),
    runInfra({
      stage: "test",
      env: {
        HOTSEAT_API_PREWARM: "25",
        HOTSEAT_PUMP_SHARDS: "8",
        HOTSEAT_API_RATE_LIMIT: "8000",
        HOTSEAT_API_BURST_LIMIT: "4000",
        HOTSEAT_ALARM_EMAIL: "ops@example.com",
      },
    }),
    runInfra({ stage: "dev", dev: true }),
  ]);
}, 300_000);

describe("production stage", () => {
  it("retains its data on removal, is protected, and the table refuses deletion", () => {
    expect(production.app).toMatchObject({ stage: "prod", removal: "retain", protect: true });
    expect(production.outputs._protect).toBe(true);
    expect(only(production, "aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).toBe(true);
  });

  it("lets the storefront load Stripe.js under its Content-Security-Policy, as Stripe is its provider", () => {
    const csp = named(production, "StorefrontHeaders").inputs.securityHeadersConfig.contentSecurityPolicy;
    expect(csp.contentSecurityPolicy).toMatch(/script-src 'self' https:\/\/js\.stripe\.com/);
    expect(csp.contentSecurityPolicy).toMatch(/connect-src 'self' https:\/\/api\.stripe\.com/);
  });

  it("takes real payments: Stripe, with its key and webhook secret linked to the API only", () => {
    const api = functionFor(production, API).links;
    expect(api.Payments).toEqual(expect.objectContaining({ provider: "stripe" }));
    expect(api.StripeSecretKey).toEqual(expect.objectContaining({ value: "sk_test_mock" }));
    expect(api.StripeWebhookSecret).toEqual(expect.objectContaining({ value: "whsec_mock" }));
  });

  it("is not pre-warmed by default, and its pump is on-demand", () => {
    expect(ofType(production, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toEqual([]);
    const stream = only(production, "aws:kinesis/stream:Stream").inputs;
    expect(stream.streamModeDetails).toEqual({ streamMode: "ON_DEMAND" });
    expect(stream.shardCount).toBeUndefined();
  });
});

describe("sale day", () => {
  it("keeps the asked number of API instances warm on a published version the route targets", () => {
    const api = functionFor(saleDay, API);
    expect(api.lambda.inputs.publish).toBe(true);
    const [warm, ...more] = ofType(saleDay, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    expect(more).toEqual([]);
    expect(warm?.inputs).toMatchObject({ provisionedConcurrentExecutions: 25, qualifier: "1" });
    expect(only(saleDay, "aws:apigatewayv2/integration:Integration").inputs.integrationUri).toMatch(/:1$/);
  });

  it("raises the API's stage throttle to the asked rate and burst", () => {
    expect(only(saleDay, "aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings).toEqual({
      throttlingRateLimit: 8000,
      throttlingBurstLimit: 4000,
    });
  });

  it("gives the pump the asked number of provisioned shards", () => {
    expect(only(saleDay, "aws:kinesis/stream:Stream").inputs).toMatchObject({
      streamModeDetails: { streamMode: "PROVISIONED" },
      shardCount: 8,
    });
  });
});

describe("alarm email", () => {
  it("subscribes HOTSEAT_ALARM_EMAIL to the alarms' topic, and nobody by default", () => {
    expect(only(saleDay, "aws:sns/topicSubscription:TopicSubscription").inputs).toMatchObject({
      protocol: "email",
      endpoint: "ops@example.com",
    });
    expect(ofType(production, "aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
  });
});

describe("sst dev", () => {
  it("points the space at a local Redis instead of creating ElastiCache", () => {
    expect(ofType(dev, "aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
    expect(functionFor(dev, API).links.Space).toMatchObject({
      host: "127.0.0.1",
      port: 6379,
      tls: false,
      cluster: false,
    });
  });

  it.each([API, "packages/functions/src/writer.handler", "packages/functions/src/sweeper.handler"])(
    "runs %s with no VPC: its bridge stub must reach SST over the internet, and the VPC has no NAT",
    (handler) => {
      expect(functionFor(dev, handler).lambda.inputs.vpcConfig).toBeUndefined();
      expect(functionFor(dev, handler).lambda.inputs.tracingConfig).toBeUndefined();
    },
  );

  it("keeps production's functions in the VPC, next to the space", () => {
    expect(functionFor(production, API).lambda.inputs.vpcConfig).toMatchObject({
      subnetIds: ["VpcPrivateSubnet1-id", "VpcPrivateSubnet2-id"],
    });
  });

  it("rebuilds in the background of the live API and sweeper (no Rebuilder link), as pnpm start does", () => {
    expect(functionFor(dev, API).links.Rebuilder).toBeUndefined();
    expect(functionFor(production, API).links.Rebuilder).toBeDefined();
  });

  it("has no CloudFront router: the storefront is Vite's dev server, calling the stage's API directly", () => {
    expect(ofType(dev, "aws:cloudfront/distribution:Distribution")).toEqual([]);
    expect(dev.outputs.web).toBe("http://localhost:5173");
  });

  it("skips the Kinesis endpoint, since the functions run on the developer's machine", () => {
    expect(ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name)).toEqual(["DynamoEndpoint"]);
    expect(named(dev, "DynamoEndpoint").inputs.vpcEndpointType).toBe("Gateway");
  });
});
