import fs from "node:fs";
import path from "node:path";
import { newBuyerTokenKey } from "@hotseat/core/buyer";
import { createDocumentClient } from "@hotseat/core/db";
import { createKinesisClient } from "@hotseat/core/pump";
import type { RuntimeConfig } from "@hotseat/functions/config";
import { startEmulators } from "@hotseat/local/emulators";
import { startFaultProxy } from "@hotseat/local/fault-proxy";
import { freePort } from "@hotseat/local/redis";
import { startRedisCluster } from "@hotseat/local/redis-cluster";
import { ensureStream, ensureTable } from "@hotseat/local/resources";
import { configEnv } from "@hotseat/local/stack-config";
import { DynamoFaults, KinesisFaults } from "./aws-faults.ts";
import { ClusterNodes, ProductProcess } from "./processes.ts";
import type { Rng } from "./rng.ts";

export const ADMIN_TOKEN = "nemesis-admin-token";

/**
 * The nemesis's local stage, each part a real process it can fault: a TLS Redis Cluster (three
 * primaries, a replica each), the emulators behind fault proxies, two API processes and the writer.
 * What it starts, it pushes a stop for onto `cleanups`.
 */
export async function startStage(dir: string, rng: Rng, cleanups: (() => Promise<unknown>)[]) {
  const cluster = await startRedisCluster(path.join(dir, "redis"), { primaries: 3, replicasPerPrimary: 1 });
  cleanups.push(() => cluster.stop());
  const nodes = new ClusterNodes(cluster);
  cleanups.push(() => nodes.stop());
  fs.mkdirSync(path.join(dir, "emulators"), { recursive: true });
  const emulators = await startEmulators(path.join(dir, "emulators"));
  cleanups.push(() => emulators.stop());
  const dynamoFaults = new DynamoFaults(rng.fork(1));
  const kinesisFaults = new KinesisFaults(rng.fork(2));
  const dynamoProxy = await startFaultProxy({
    target: emulators.dynamoEndpoint,
    service: "dynamodb",
    policy: dynamoFaults.policy(),
  });
  const kinesisProxy = await startFaultProxy({
    target: emulators.kinesisEndpoint,
    service: "kinesis",
    policy: kinesisFaults.policy(),
  });
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  const setupDynamo = createDocumentClient({ region: "us-east-1", endpoint: emulators.dynamoEndpoint, credentials });
  const setupKinesis = createKinesisClient({ region: "us-east-1", endpoint: emulators.kinesisEndpoint, credentials });
  await Promise.all([ensureTable(setupDynamo, "hotseat"), ensureStream(setupKinesis, "hotseat-pump", 4)]);
  setupDynamo.destroy();
  setupKinesis.destroy();

  const tokenKey = await newBuyerTokenKey();
  // The product processes reach AWS through the proxies, so the faults land where the SDK sees them.
  const config: RuntimeConfig = {
    // As infra links it for a stage with replicas: a take is acknowledged only once the shard's replica has it.
    // Without it a primary killed loses acknowledged takes and the space sells them again (README: "Detected").
    redis: { ...cluster.connection, replicaAcks: 1 },
    pump: { streamName: "hotseat-pump", endpoint: kinesisProxy.url },
    table: { name: "hotseat", endpoint: dynamoProxy.url },
    region: "us-east-1",
    adminToken: ADMIN_TOKEN,
    buyers: { tokenKey },
    mail: { outboxDir: path.join(dir, "outbox") },
    payments: { provider: "test", currency: "usd" },
  };
  const env: Record<string, string> = {
    ...configEnv(config),
    HOTSEAT_LOG_LEVEL: process.env.NEMESIS_LOG_LEVEL ?? "warn",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NEMESIS_STALE_AFTER_MS: "3000",
    NEMESIS_DATA_DIR: path.join(dir, "writer"),
  };
  const apis: ProductProcess[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    apis.push(new ProductProcess(`api-${i}`, "api.ts", { ...env, PORT: String(port) }, path.join(dir, `api-${i}.log`)));
  }
  const writer = new ProductProcess("writer", "writer.ts", env, path.join(dir, "writer.log"));
  cleanups.push(() => Promise.allSettled([...apis, writer].map((p) => p.stop())));
  await Promise.all([...apis.map((a) => a.start()), writer.start()]);
  return { cluster, nodes, emulators, dynamoFaults, kinesisFaults, dynamoProxy, kinesisProxy, tokenKey, apis, writer };
}
