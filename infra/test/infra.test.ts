import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tableKeys } from "../../packages/core/src/db/table.ts";
import { DOCS_ASSETS, DOCS_PACKAGE } from "../../packages/functions/src/api/docs-assets.ts";
import { METRICS_NAMESPACE, metricNames } from "../../packages/functions/src/metrics.ts";
import { contentSecurityPolicy } from "../../packages/web/csp.ts";
import {
  behaviorFor,
  functionFor,
  type InfraRun,
  named,
  ofType,
  only,
  physicalName,
  preparePlatform,
  root,
  runInfra,
} from "./harness";

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
      web: "https://EdgeCdnDistribution.cloudfront.net",
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
    ["api", API, ["AdminToken", "BuyerTokenKey", "Mail", "Payments", "Pump", "Rebuilder", "Space", "Table"]],
    ["writer", WRITER, ["Space", "Table"]],
    ["sweeper", SWEEPER, ["Payments", "Pump", "Rebuilder", "Space", "Table"]],
  ])("the %s runs on Node 22 in the VPC's private subnets, linked to exactly what it uses", (_, handler, links) => {
    const fn = functionFor(infra, handler);
    expect(fn.lambda.inputs).toMatchObject({
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      vpcConfig: { subnetIds: privateSubnets, securityGroupIds: ["VpcSecurityGroup-id"] },
    });
    expect(Object.keys(fn.links).sort()).toEqual(links);
  });

  it.each([API, WRITER, SWEEPER])("%s is traced by X-Ray and may write its segments", (handler) => {
    const fn = functionFor(infra, handler);
    expect(fn.lambda.inputs.tracingConfig).toEqual({ mode: "Active" });
    expect(fn.statements).toContainEqual(
      expect.objectContaining({ actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] }),
    );
  });

  it("ships the API's reference page files beside its bundle, where the API resolves their package", () => {
    const build = infra.rpcCalls.find((c) => c.method === "Runtime.Build" && c.args.handler === API);
    const copied = build?.args.copyFiles as { from: string; to: string; isDir: boolean }[];
    expect(copied.map((f) => f.to).sort()).toEqual(
      ["package.json", ...Object.keys(DOCS_ASSETS)].map((file) => `node_modules/${DOCS_PACKAGE}/${file}`).sort(),
    );
    for (const file of copied) {
      expect(file.isDir, file.from).toBe(false);
      expect(fs.statSync(path.resolve(root, file.from)).size, file.from).toBeGreaterThan(100);
    }
    for (const handler of [WRITER, SWEEPER]) {
      const other = infra.rpcCalls.find((c) => c.method === "Runtime.Build" && c.args.handler === handler);
      expect(other?.args.copyFiles ?? [], handler).toEqual([]);
    }
  });

  it("gives the admin token, the buyer-token key and the mail sender only to the API", () => {
    const api = functionFor(infra, API).links;
    expect(api.AdminToken).toEqual(expect.objectContaining({ value: "mock-admin-token" }));
    expect(api.BuyerTokenKey).toEqual(expect.objectContaining({ value: "mock-buyer-token-key" }));
    expect(api.Mail).toEqual(expect.objectContaining({ sender: "tickets@hotseat.example" }));
    // A stage that is not production pays with the test provider, and gets no Stripe secrets.
    expect(api.Payments).toEqual(expect.objectContaining({ provider: "test", currency: "usd" }));
    expect(api.StripeSecretKey).toBeUndefined();
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
    expect(only(infra, "aws:apigatewayv2/api:Api").inputs.protocolType).toBe("HTTP");
  });

  it("configures no CORS at the HTTP API, which would drop the app's Access-Control-Expose-Headers", () => {
    expect(only(infra, "aws:apigatewayv2/api:Api").inputs.corsConfiguration ?? {}).toEqual({});
  });

  it("throttles its stage as infra/stage.ts sizes it", () => {
    expect(only(infra, "aws:apigatewayv2/stage:Stage").inputs).toMatchObject({
      name: "$default",
      defaultRouteSettings: { throttlingRateLimit: 3000, throttlingBurstLimit: 1500 },
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
  it("builds packages/web to call the API on its own origin, under /api", () => {
    const build = only(infra, "command:local:Command").inputs;
    expect(build).toMatchObject({
      create: "pnpm --filter @hotseat/web build",
      environment: { VITE_API_URL: "/api" },
    });
  });
});

describe("one origin: a CloudFront distribution in front of the storefront and the API", () => {
  const distribution = () => only(infra, "aws:cloudfront/distribution:Distribution");
  const pollPolicy = () => named(infra, "PollCachePolicy");
  const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
  const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

  it("is the storefront's URL, and routes /api to the HTTP API with the prefix stripped", () => {
    expect(infra.outputs.web).toBe("https://EdgeCdnDistribution.cloudfront.net");
    const route = named(infra, "EdgeRoute/apiRouteKey.sst.aws.KvKeys").inputs;
    expect(JSON.parse(route.entries.metadata)).toMatchObject({
      host: "apiapi.execute-api.example.com",
      rewrite: { regex: "^/api/(.*)$", to: "/$1" },
    });
    expect(named(infra, "EdgeRoute/apiRoutesUpdate.sst.aws.KvRoutesUpdate").inputs.entry).toMatch(/^url,\w+,,\/api$/);
  });

  it("caches the public reads for the API's own max-age (at most 5 s), keyed on the path alone", () => {
    expect(pollPolicy().inputs).toMatchObject({
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: 5,
      parametersInCacheKeyAndForwardedToOrigin: {
        cookiesConfig: { cookieBehavior: "none" },
        headersConfig: { headerBehavior: "none" },
        queryStringsConfig: { queryStringBehavior: "none" },
      },
    });
  });

  it.each([
    ["GET", "/api/shows/shw_01J/availability", "cached"],
    ["GET", "/api/shows", "cached"],
    ["GET", "/api/shows/shw_01J", "passed"],
    ["POST", "/api/shows/shw_01J/orders", "passed"],
    ["GET", "/api/orders/ord_01J", "passed"],
    ["GET", "/api/me/orders", "passed"],
    ["POST", "/api/orders/ord_01J/checkout", "passed"],
    ["POST", "/api/admin/shows", "passed"],
    ["GET", "/api/admin/shows/shw_01J/stats", "passed"],
    ["POST", "/api/auth/email", "passed"],
    ["POST", "/api/auth/email/verify", "passed"],
    ["POST", "/api/webhooks/stripe", "passed"],
    ["GET", "/api/health", "passed"],
    ["GET", "/api/openapi.json", "passed"],
    ["GET", "/api/docs", "passed"],
    ["GET", "/api/docs/swagger-ui-bundle.js", "passed"],
  ])("%s %s is %s", (method, requestPath, expected) => {
    const behavior = behaviorFor(distribution(), requestPath);
    expect(behavior.allowedMethods).toContain(method);
    expect(behavior.functionAssociations).toEqual(distribution().inputs.defaultCacheBehavior.functionAssociations);
    if (expected === "cached") {
      expect(behavior.cachePolicyId).toBe(`${pollPolicy().name}-id`);
      // Nothing of the viewer's reaches the origin beyond the path: no Authorization, so no per-buyer answer.
      expect(behavior.originRequestPolicyId).toBeUndefined();
    } else {
      expect(behavior.cachePolicyId).toBe(CACHING_DISABLED);
      // With caching disabled, this policy forwards every viewer header (Authorization, Idempotency-Key) and the body.
      expect(behavior.originRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST);
    }
  });

  it("sends the storefront's pages with the same Content-Security-Policy as locally, the API on this origin", () => {
    const policy = named(infra, "StorefrontHeaders");
    expect(distribution().inputs.defaultCacheBehavior.responseHeadersPolicyId).toBe(`${policy.name}-id`);
    const csp = policy.inputs.securityHeadersConfig.contentSecurityPolicy;
    expect(csp).toEqual({ contentSecurityPolicy: contentSecurityPolicy(), override: true });
    expect(csp.contentSecurityPolicy).toMatch(/connect-src 'self';/);
    expect(csp.contentSecurityPolicy).toMatch(/frame-ancestors 'none'/);
    expect(csp.contentSecurityPolicy).not.toMatch(/stripe|http:/);
    // The API's answers are not pages: no storefront policy on its behaviors.
    expect(behaviorFor(distribution(), "/api/shows").responseHeadersPolicyId).toBeUndefined();
  });

  it("serves everything else from the storefront's bucket through the default behavior", () => {
    expect(behaviorFor(distribution(), "/shows/shw_01J").pathPattern).toBe("*");
    expect(behaviorFor(distribution(), "/assets/index-abc.js").pathPattern).toBe("*");
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

describe("dashboard", () => {
  type Widget = { type: string; properties: { title: string; alarms?: string[]; metrics?: unknown[][] } };
  const widgets = () =>
    JSON.parse(only(infra, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody).widgets as Widget[];
  const metrics = () => widgets().flatMap((w) => w.properties.metrics ?? []);

  it("is one per stage, named after it, beside the alarms", () => {
    expect(only(infra, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardName).toBe("hotseat-test");
    const alarms = widgets().find((w) => w.type === "alarm")?.properties.alarms;
    expect(alarms).toEqual(
      ["PumpIteratorAgeAlarm", "DeadLetterAlarm", "Api5xxAlarm"].map((n) => expect.stringContaining(n)),
    );
  });

  it("graphs every metric the functions emit, in their namespace, for this stage", () => {
    const own = metrics().filter((m) => m[0] === METRICS_NAMESPACE);
    expect(new Set(own.map((m) => m[1]))).toEqual(new Set(Object.values(metricNames)));
    for (const m of own)
      expect(m.slice(2, 6)).toEqual(["service", expect.stringMatching(/^(api|writer|sweeper)$/), "Stage", "test"]);
  });

  it("graphs this stage's API, stream, queue, table, distribution and functions", () => {
    const dimensionValues = new Set(metrics().flatMap((m) => m.filter((part) => typeof part === "string")));
    for (const value of [
      "ApiApi-id",
      physicalName(only(infra, "aws:kinesis/stream:Stream")),
      physicalName(only(infra, "aws:sqs/queue:Queue")),
      physicalName(only(infra, "aws:dynamodb/table:Table")),
      "EdgeCdnDistribution-id",
      ...[API, WRITER, SWEEPER].map((h) => physicalName(functionFor(infra, h).lambda)),
    ])
      expect(dimensionValues).toContain(value);
  });
});
