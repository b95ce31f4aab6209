import { tableKeys } from "../packages/core/src/db/table.ts";
import { isProductionStage } from "./stage";

// Read off the ElectroDB model, so the table cannot drift from the entities that use it.
const keys = tableKeys();

export const table = new sst.aws.Dynamo("Table", {
  fields: Object.fromEntries(keys.fields.map((field) => [field, "string" as const])),
  primaryIndex: { hashKey: keys.hashKey, rangeKey: keys.rangeKey },
  globalIndexes: Object.fromEntries(
    keys.globalIndexes.map((index) => [index.name, { hashKey: index.hashKey, rangeKey: index.rangeKey }]),
  ),
  deletionProtection: isProductionStage($app.stage),
});
