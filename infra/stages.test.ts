import { beforeAll, describe, expect, it } from "vitest";
import { functionFor, type InfraRun, named, ofType, only, preparePlatform, runInfra } from "./test/harness";

const API = "packages/functions/src/api/lambda.handler";

let production: InfraRun;
let saleDay: InfraRun;
let dev: InfraRun;

beforeAll(async () => {
  await preparePlatform();
  [production, saleDay, dev] = await Promise.all([
    runInfra({ stage: "prod", env: { HOTSEAT_API_PREWARM: "" } }),
    runInfra({ stage: "test", env: { HOTSEAT_API_PREWARM: "25" } }),
    runInfra({ stage: "dev", dev: true, env: { HOTSEAT_API_PREWARM: "" } }),
  ]);
}, 300_000);

describe("production stage", () => {
  it("retains its data on removal, is protected, and the table refuses deletion", () => {
    expect(production.app).toMatchObject({ stage: "prod", removal: "retain", protect: true });
    expect(production.outputs._protect).toBe(true);
    expect(only(production, "aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).toBe(true);
  });

  it("is not pre-warmed by default", () => {
    expect(ofType(production, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toEqual([]);
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

  it("skips the Kinesis endpoint, since the functions run on the developer's machine", () => {
    expect(ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name)).toEqual(["DynamoEndpoint"]);
    expect(named(dev, "DynamoEndpoint").inputs.vpcEndpointType).toBe("Gateway");
  });
});
