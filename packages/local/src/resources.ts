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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** Creates the single table, keyed exactly as the ElectroDB model says, if absent. */
export async function ensureTable(dynamo: DynamoDBClient, name: string) {
  const keys = tableKeys();
  for (let i = 0; i < 200; i++) {
    try {
      const d = await dynamo.send(new DescribeTableCommand({ TableName: name }));
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
          GlobalSecondaryIndexes: keys.globalIndexes.map((g) => ({
            IndexName: g.name,
            KeySchema: [
              { AttributeName: g.hashKey, KeyType: "HASH" },
              { AttributeName: g.rangeKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          })),
        }),
      );
    }
    await sleep(50);
  }
  throw new Error(`table ${name} did not become active`);
}
