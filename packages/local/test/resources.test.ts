import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
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
  await t.createTable("hotseat-old", [{ name: "gsi1", hash: "gsi1pk", range: "gsi1sk" }]);
  await expect(ensureTable(dynamo, "hotseat-old")).rejects.toThrow(/predates the index\(es\) gsi2.*DATA_DIR/);
  // A table the model made itself is taken as it is.
  await ensureTable(dynamo, "hotseat-new");
  await ensureTable(dynamo, "hotseat-new");
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: "hotseat-new" }));
  expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(["gsi1", "gsi2"]);
});
