import { tableKeys } from "../packages/core/src/db/table.ts";
import { isProductionStage } from "./stage";

/**
 * Keyed exactly as the ElectroDB model says: `tableKeys()` reads the model's plain schema
 * constants (no electrodb, no AWS SDK), so it loads inside SST's config bundle.
 */
const keys = tableKeys();

export const table = new sst.aws.Dynamo("Table", {
  // ElectroDB composes every key into a string.
  fields: Object.fromEntries(keys.fields.map((field) => [field, "string" as const])),
  primaryIndex: { hashKey: keys.hashKey, rangeKey: keys.rangeKey },
  globalIndexes: Object.fromEntries(
    keys.globalIndexes.map((index) => [index.name, { hashKey: index.hashKey, rangeKey: index.rangeKey }]),
  ),
  // Rehydration barriers are only needed for minutes; DynamoDB deletes them a day later.
  ttl: keys.ttlAttribute,
  deletionProtection: isProductionStage($app.stage),
});
