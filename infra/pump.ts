import { lambdaDefaults } from "./lambda";
import { space } from "./space";
import { stageSettings } from "./stage";
import { table } from "./table";

const { pumpShards } = stageSettings($app.stage);

export const pump = new sst.aws.KinesisStream(
  "Pump",
  pumpShards > 0
    ? { transform: { stream: { streamModeDetails: { streamMode: "PROVISIONED" }, shardCount: pumpShards } } }
    : {},
);

/**
 * Where the writer's event source mapping sends batches it gave up on. The message names the shard and sequence
 * range (not the records); the orders themselves are safe, because they stay pending in the space and the sweeper
 * publishes them again.
 */
export const deadLetters = new sst.aws.Queue("PumpDeadLetters", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});

export const writer = pump.subscribe(
  "Writer",
  {
    ...lambdaDefaults,
    handler: "packages/functions/src/writer.handler",
    timeout: "60 seconds",
    // The writer reads the pump through its event source mapping and never publishes: no link to the stream.
    link: [table, space],
    permissions: [...lambdaDefaults.permissions, { actions: ["sqs:SendMessage"], resources: [deadLetters.arn] }],
  },
  {
    transform: {
      eventSourceMapping: {
        // Orders put before the mapping existed (first deploy) must be projected too.
        startingPosition: "TRIM_HORIZON",
        // Records, not orders: the publisher packs up to 100 orders a record, so a batch holds at most
        // 10,000 orders, written 4 BatchWriteItem calls at a time well within the timeout.
        batchSize: 100,
        maximumBatchingWindowInSeconds: 1,
        // The writer names the records it could not write; Lambda retries from the first of them.
        functionResponseTypes: ["ReportBatchItemFailures"],
        // A poison record is isolated by halving the batch instead of blocking its shard.
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 10,
        maximumRecordAgeInSeconds: 60 * 60,
        destinationConfig: { onFailure: { destinationArn: deadLetters.arn } },
      },
    },
  },
);
