import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureTable } from "../src/resources.ts";
import { startTestEmulators, type TestEmulators } from "../src/testing.ts";

let t: TestEmulators;
let dynamo: DynamoDBClient;
beforeAll(async () => {
  t = await startTestEmulators("resources");
  dynamo = t.dynamo();
});
afterAll(() => t?.stop());

it("refuses a table kept from an earlier version that lacks an index the model added since, saying what to do", async () => {
  const keys = ["pk", "sk", "gsi1pk", "gsi1sk"];
  await dynamo.send(
    new CreateTableCommand({
      TableName: "hotseat-old",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: keys.map((f) => ({ AttributeName: f, AttributeType: "S" })),
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "gsi1",
          KeySchema: [
            { AttributeName: "gsi1pk", KeyType: "HASH" },
            { AttributeName: "gsi1sk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
  await expect(ensureTable(dynamo, "hotseat-old")).rejects.toThrow(/predates the index\(es\) gsi2.*DATA_DIR/);
  // A table the model made itself is taken as it is.
  await ensureTable(dynamo, "hotseat-new");
  await ensureTable(dynamo, "hotseat-new");
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: "hotseat-new" }));
  expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(["gsi1", "gsi2"]);
});
