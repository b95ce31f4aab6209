import { beforeAll, describe, expect, it } from "vitest";
import { functionFor, type InfraRun, named, ofType, only, preparePlatform, runInfra } from "./harness";

const API = "packages/functions/src/api/lambda.handler";

let replicated: InfraRun;
let single: InfraRun;
let durable: InfraRun;

beforeAll(async () => {
  await preparePlatform();
  [replicated, single, durable] = await Promise.all([
    runInfra({ stage: "test", env: { HOTSEAT_SPACE_REPLICAS: "1" } }),
    runInfra({ stage: "test", env: { HOTSEAT_SPACE_REPLICAS: "0" } }),
    runInfra({
      stage: "test",
      env: { HOTSEAT_SPACE_ENGINE: "memorydb", SST_SECRET_SpaceMemoryDbPassword: "mock-memorydb-password" },
    }),
  ]);
}, 300_000);

describe("a space with a replica per shard (the default)", () => {
  it("puts the replica in another AZ, and acknowledges a take once that replica has it", () => {
    expect(only(replicated, "aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({
      replicasPerNodeGroup: 1,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
    });
    expect(functionFor(replicated, API).links.Space).toMatchObject({ replicaAcks: 1, cluster: true, tls: true });
  });

  it("alarms before the fullest node's memory is full", () => {
    const alarm = named(replicated, "SpaceMemoryAlarm").inputs;
    expect(alarm).toMatchObject({ threshold: 80, comparisonOperator: "GreaterThanThreshold" });
    const nodes = alarm.metricQueries.filter((q: { metric?: unknown }) => q.metric);
    expect(
      nodes.map((q: { metric: { dimensions: { CacheClusterId: string } } }) => q.metric.dimensions.CacheClusterId),
    ).toHaveLength(2);
    for (const q of nodes)
      expect(q.metric).toMatchObject({ namespace: "AWS/ElastiCache", metricName: "DatabaseMemoryUsagePercentage" });
    expect(alarm.metricQueries.find((q: { returnData: boolean }) => q.returnData).expression).toBe(
      "MAX([node0, node1])",
    );
  });
});

describe("a space without replicas", () => {
  it("asks no replica to acknowledge", () => {
    expect(only(single, "aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({
      replicasPerNodeGroup: 0,
      multiAzEnabled: false,
    });
    expect(functionFor(single, API).links.Space).toMatchObject({ replicaAcks: 0 });
  });
});

describe("a durable space (MemoryDB)", () => {
  it("replaces ElastiCache with a MemoryDB cluster, TLS, noeviction, behind an ACL user", () => {
    expect(ofType(durable, "aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
    expect(only(durable, "aws:memorydb/cluster:Cluster").inputs).toMatchObject({
      engine: "valkey",
      tlsEnabled: true,
      numShards: 1,
      numReplicasPerShard: 1,
      securityGroupIds: ["VpcSecurityGroup-id"],
    });
    expect(only(durable, "aws:memorydb/parameterGroup:ParameterGroup").inputs.parameters).toEqual([
      { name: "maxmemory-policy", value: "noeviction" },
    ]);
    expect(only(durable, "aws:memorydb/user:User").inputs.authenticationMode).toEqual({
      type: "password",
      passwords: ["mock-memorydb-password"],
    });
  });

  it("is linked as Space in cluster mode with TLS, and needs no WAIT: its log makes every write durable", () => {
    expect(functionFor(durable, API).links.Space).toMatchObject({
      password: "mock-memorydb-password",
      tls: true,
      cluster: true,
      replicaAcks: 0,
    });
    expect(named(durable, "SpaceMemoryAlarm").inputs.metricQueries[0].metric).toMatchObject({
      namespace: "AWS/MemoryDB",
      metricName: "DatabaseMemoryUsagePercentage",
    });
  });
});
