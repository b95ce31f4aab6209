import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException as TableNotFound,
} from "@aws-sdk/client-dynamodb";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceNotFoundException as StreamNotFound,
} from "@aws-sdk/client-kinesis";
import { tableKeys } from "@hotseat/core/db";
import { sleep } from "@hotseat/core/util";

/** Creates the pump stream if absent and waits until it is active. */
export async function ensureStream(kinesis: KinesisClient, name: string, shards: number) {
  for (let i = 0; i < 200; i++) {
    try {
      const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (d.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    } catch (e) {
      if (!(e instanceof StreamNotFound)) throw e;
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    }
    await sleep(50);
  }
  throw new Error(`stream ${name} did not become active`);
}

const indexSchema = (g: { name: string; hashKey: string; rangeKey: string }) => ({
  IndexName: g.name,
  KeySchema: [
    { AttributeName: g.hashKey, KeyType: "HASH" as const },
    { AttributeName: g.rangeKey, KeyType: "RANGE" as const },
  ],
  Projection: { ProjectionType: "ALL" as const },
});

/**
 * Creates the single table, keyed exactly as the ElectroDB model says, if absent. A table kept
 * from an earlier version that lacks an index the model added since is refused with what to do:
 * dynalite cannot add an index to an existing table (DynamoDB can; on AWS infra/ does it).
 */
export async function ensureTable(dynamo: DynamoDBClient, name: string) {
  const keys = tableKeys();
  for (let i = 0; i < 200; i++) {
    try {
      const d = await dynamo.send(new DescribeTableCommand({ TableName: name }));
      const have = new Set((d.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
      const missing = keys.globalIndexes.filter((g) => !have.has(g.name)).map((g) => g.name);
      if (missing.length > 0)
        throw new Error(
          `table ${name} predates the index(es) ${missing.join(", ")} this version reads; move its data folder away (DATA_DIR, .data by default) to start afresh`,
        );
      if (d.Table?.TableStatus === "ACTIVE") return;
    } catch (e) {
      if (!(e instanceof TableNotFound)) throw e;
      await dynamo.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: keys.fields.map((f) => ({ AttributeName: f, AttributeType: "S" })),
          KeySchema: [
            { AttributeName: keys.hashKey, KeyType: "HASH" },
            { AttributeName: keys.rangeKey, KeyType: "RANGE" },
          ],
          GlobalSecondaryIndexes: keys.globalIndexes.map(indexSchema),
        }),
      );
    }
    await sleep(50);
  }
  throw new Error(`table ${name} did not become active`);
}
