import { isProductionStage } from "./stage";

/**
 * The key layout of the ElectroDB model (packages/core/src/db/entities.ts). Written out rather than imported from
 * `@hotseat/core/db`'s `tableKeys()`: SST bundles this config with `@aws-sdk/*` left external, and loading the model
 * loads electrodb, which requires `@aws-sdk/lib-dynamodb` at once, so `sst deploy` would fail. The infra test reads
 * `tableKeys()` from the model and fails if this layout and the model ever differ.
 */
export const tableLayout = {
  hashKey: "pk",
  rangeKey: "sk",
  globalIndexes: [
    { name: "gsi1", hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    { name: "gsi2", hashKey: "gsi2pk", rangeKey: "gsi2sk" },
  ],
};

const keyFields = [
  tableLayout.hashKey,
  tableLayout.rangeKey,
  ...tableLayout.globalIndexes.flatMap((index) => [index.hashKey, index.rangeKey]),
];

export const table = new sst.aws.Dynamo("Table", {
  // ElectroDB composes every key into a string.
  fields: Object.fromEntries(keyFields.map((field) => [field, "string" as const])),
  primaryIndex: { hashKey: tableLayout.hashKey, rangeKey: tableLayout.rangeKey },
  globalIndexes: Object.fromEntries(
    tableLayout.globalIndexes.map((index) => [index.name, { hashKey: index.hashKey, rangeKey: index.rangeKey }]),
  ),
  deletionProtection: isProductionStage($app.stage),
});
