import { beforeAll, describe, expect, it } from "vitest";
import { tableKeys } from "../../packages/core/src/db/table.ts";
import { functionFor, type InfraRun, named, ofType, only, physicalName, preparePlatform, runInfra } from "./harness";

const API = "packages/functions/src/api/lambda.handler";
const WRITER = "packages/functions/src/writer.handler";
const SWEEPER = "packages/functions/src/sweeper.handler";

let infra: InfraRun;

beforeAll(async () => {
  await preparePlatform();
  infra = await runInfra({ stage: "test" });
}, 300_000);

describe("app", () => {
  it("pins the AWS provider and removes non-production stages", () => {
    expect(infra.app).toMatchObject({ name: "hotseat", stage: "test", removal: "remove", protect: false });
    expect(infra.app.providers.aws?.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("returns the API and storefront URLs, the stream and the table", () => {
    expect(infra.outputs).toMatchObject({
      api: "https://ApiApi.execute-api.example.com",
      web: "https://WebCdnDistribution.cloudfront.net",
      stream: physicalName(only(infra, "aws:kinesis/stream:Stream")),
      table: physicalName(only(infra, "aws:dynamodb/table:Table")),
    });
  });
});

describe("network", () => {
  it("has no NAT: the functions reach DynamoDB and Kinesis through VPC endpoints on the private subnets", () => {
    expect(ofType(infra, "aws:ec2/natGateway:NatGateway")).toEqual([]);
    expect(ofType(infra, "aws:ec2/instance:Instance")).toEqual([]);
    const privateRouteTables = ofType(infra, "aws:ec2/routeTable:RouteTable")
      .filter((t) => t.name.startsWith("VpcPrivateRouteTable"))
      .map((t) => `${t.name}-id`);
    const privateSubnets = ofType(infra, "aws:ec2/subnet:Subnet")
      .filter((s) => s.name.startsWith("VpcPrivateSubnet"))
      .map((s) => `${s.name}-id`);
    expect(privateSubnets).toHaveLength(2);

    expect(named(infra, "DynamoEndpoint").inputs).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.dynamodb",
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables,
    });
    expect(named(infra, "KinesisEndpoint").inputs).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.kinesis-streams",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: privateSubnets,
    });
  });
});

describe("space", () => {
  it("is a Valkey cluster in cluster mode, TLS only, that never evicts inventory", () => {
    const cluster = only(infra, "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(cluster.inputs).toMatchObject({
      engine: "valkey",
      clusterMode: "enabled",
      numNodeGroups: 1,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      securityGroupIds: ["VpcSecurityGroup-id"],
    });
    const parameters = only(infra, "aws:elasticache/parameterGroup:ParameterGroup").inputs.parameters;
    expect(parameters).toEqual(
      expect.arrayContaining([
        { name: "cluster-enabled", value: "yes" },
        { name: "maxmemory-policy", value: "noeviction" },
      ]),
    );
  });

  it("is linked as Space with its configuration endpoint, TLS and cluster mode", () => {
    expect(functionFor(infra, API).links.Space).toMatchObject({
      host: "SpaceRedisCluster.cfg.cache.example.com",
      port: 6379,
      username: "default",
      password: "SpaceRedisAuthToken-mock-secret",
      tls: true,
      cluster: true,
    });
  });
});

describe("table", () => {
  it("has exactly the keys and global indexes of the ElectroDB model", () => {
    const model = tableKeys();
    const table = only(infra, "aws:dynamodb/table:Table").inputs;
    expect(table.hashKey).toBe(model.hashKey);
    expect(table.rangeKey).toBe(model.rangeKey);
    expect(
      table.globalSecondaryIndexes.map((index: { name: string; hashKey: string; rangeKey: string }) => ({
        name: index.name,
        hashKey: index.hashKey,
        rangeKey: index.rangeKey,
      })),
    ).toEqual(model.globalIndexes);
    expect(table.attributes).toEqual(model.fields.map((name) => ({ name, type: "S" })));
    expect(table.ttl).toEqual({ attributeName: model.ttlAttribute, enabled: true });
    expect(table.billingMode).toBe("PAY_PER_REQUEST");
    expect(table.deletionProtectionEnabled).toBe(false);
  });
});

describe("pump", () => {
  it("feeds the writer through an event source mapping with bounded retries and a dead-letter queue", () => {
    const mapping = only(infra, "aws:lambda/eventSourceMapping:EventSourceMapping").inputs;
    const stream = only(infra, "aws:kinesis/stream:Stream");
    const deadLetters = only(infra, "aws:sqs/queue:Queue");
    const writer = functionFor(infra, WRITER);
    expect(mapping).toMatchObject({
      eventSourceArn: expect.stringContaining(`kinesis/stream/${physicalName(stream)}`),
      functionName: expect.stringContaining(physicalName(writer.lambda)),
      startingPosition: "TRIM_HORIZON",
      batchSize: 100,
      maximumBatchingWindowInSeconds: 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 10,
      maximumRecordAgeInSeconds: 3600,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: {
        onFailure: { destinationArn: expect.stringContaining(`sqs/queue/${physicalName(deadLetters)}`) },
      },
    });
    expect(deadLetters.inputs.messageRetentionSeconds).toBe(14 * 24 * 60 * 60);
  });

  it("lets the writer send to the dead-letter queue", () => {
    const deadLetters = physicalName(only(infra, "aws:sqs/queue:Queue"));
    const send = functionFor(infra, WRITER).statements.find((s) => s.actions.includes("sqs:SendMessage"));
    expect(send?.resources).toEqual([expect.stringContaining(deadLetters)]);
  });
});

describe("functions", () => {
  const privateSubnets = ["VpcPrivateSubnet1-id", "VpcPrivateSubnet2-id"];

  it.each([
    ["api", API, ["AdminToken", "BuyerTokenKey", "Mail", "Pump", "Space", "Table"]],
    ["writer", WRITER, ["Space", "Table"]],
    ["sweeper", SWEEPER, ["Pump", "Space", "Table"]],
  ])("the %s runs on Node 22 in the VPC's private subnets, linked to exactly what it uses", (_, handler, links) => {
    const fn = functionFor(infra, handler);
    expect(fn.lambda.inputs).toMatchObject({
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      vpcConfig: { subnetIds: privateSubnets, securityGroupIds: ["VpcSecurityGroup-id"] },
    });
    expect(Object.keys(fn.links).sort()).toEqual(links);
  });

  it("gives the admin token, the buyer-token key and the mail sender only to the API", () => {
    const api = functionFor(infra, API).links;
    expect(api.AdminToken).toEqual(expect.objectContaining({ value: "mock-admin-token" }));
    expect(api.BuyerTokenKey).toEqual(expect.objectContaining({ value: "mock-buyer-token-key" }));
    expect(api.Mail).toEqual(expect.objectContaining({ sender: "tickets@hotseat.example" }));
    for (const handler of [WRITER, SWEEPER])
      for (const link of ["AdminToken", "BuyerTokenKey", "Mail"])
        expect(functionFor(infra, handler).links[link], link).toBeUndefined();
  });
});

describe("api", () => {
  it("serves every path from the Hono app behind an HTTP API", () => {
    const fn = functionFor(infra, API);
    const route = only(infra, "aws:apigatewayv2/route:Route").inputs;
    const integration = only(infra, "aws:apigatewayv2/integration:Integration").inputs;
    expect(route.routeKey).toBe("$default");
    expect(integration).toMatchObject({
      integrationType: "AWS_PROXY",
      payloadFormatVersion: "2.0",
      integrationUri: expect.stringContaining(physicalName(fn.lambda)),
    });
    expect(only(infra, "aws:apigatewayv2/api:Api").inputs).toMatchObject({
      protocolType: "HTTP",
      corsConfiguration: { allowHeaders: expect.arrayContaining(["authorization", "idempotency-key"]) },
    });
  });

  it("is not pre-warmed unless a stage asks for it", () => {
    expect(functionFor(infra, API).lambda.inputs.publish).toBe(false);
    expect(ofType(infra, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toEqual([]);
  });
});

describe("sweeper", () => {
  it("runs the reconciler every minute", () => {
    const schedule = only(infra, "aws:scheduler/schedule:Schedule").inputs;
    expect(schedule).toMatchObject({ scheduleExpression: "rate(1 minute)", state: "ENABLED" });
    expect(schedule.target.arn).toContain(physicalName(functionFor(infra, SWEEPER).lambda));
    expect(schedule.target.retryPolicy).toEqual({ maximumRetryAttempts: 0 });
  });
});

describe("storefront", () => {
  it("builds packages/web with the API URL and uploads its dist", () => {
    const build = only(infra, "command:local:Command").inputs;
    expect(build).toMatchObject({
      create: "pnpm --filter @hotseat/web build",
      environment: { VITE_API_URL: infra.outputs.api },
    });
    expect(infra.outputs.api).toBe("https://ApiApi.execute-api.example.com");
    expect(ofType(infra, "aws:cloudfront/distribution:Distribution")).toHaveLength(1);
  });
});

describe("alarms", () => {
  const topic = () => `sns/topic/${physicalName(only(infra, "aws:sns/topic:Topic"))}`;

  it("watches the pump's iterator age", () => {
    expect(named(infra, "PumpIteratorAgeAlarm").inputs).toMatchObject({
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: physicalName(only(infra, "aws:kinesis/stream:Stream")) },
      statistic: "Maximum",
      threshold: 60_000,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [expect.stringContaining(topic())],
    });
  });

  it("watches the dead-letter queue's depth", () => {
    expect(named(infra, "DeadLetterAlarm").inputs).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: physicalName(only(infra, "aws:sqs/queue:Queue")) },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [expect.stringContaining(topic())],
    });
  });

  it("watches the API's server errors", () => {
    expect(named(infra, "Api5xxAlarm").inputs).toMatchObject({
      namespace: "AWS/ApiGateway",
      metricName: "5xx",
      dimensions: { ApiId: "ApiApi-id", Stage: "$default" },
      statistic: "Sum",
      threshold: 10,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [expect.stringContaining(topic())],
    });
  });
});
