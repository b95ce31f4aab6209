import { schemas, ttlAttribute } from "./schema.ts";

export interface TableKeys {
  hashKey: string;
  rangeKey: string;
  globalIndexes: { name: string; hashKey: string; rangeKey: string }[];
  /** Every key attribute, all strings in ElectroDB's single-table layout. */
  fields: string[];
  /** The attribute DynamoDB's TTL reads. */
  ttlAttribute: string;
}

/** The table's keys, read off the ElectroDB model so infra and the local stack cannot drift from it. */
export function tableKeys(): TableKeys {
  let hashKey = "";
  let rangeKey = "";
  const globals = new Map<string, { name: string; hashKey: string; rangeKey: string }>();
  for (const schema of schemas) {
    for (const index of Object.values(schema.indexes) as {
      index?: string;
      pk: { field: string };
      sk: { field: string };
    }[]) {
      if (!index.index) {
        if ((hashKey && hashKey !== index.pk.field) || (rangeKey && rangeKey !== index.sk.field))
          throw new Error("entities disagree on the table's primary key");
        hashKey = index.pk.field;
        rangeKey = index.sk.field;
        continue;
      }
      const seen = globals.get(index.index);
      if (seen && (seen.hashKey !== index.pk.field || seen.rangeKey !== index.sk.field))
        throw new Error(`entities disagree on index ${index.index}`);
      globals.set(index.index, { name: index.index, hashKey: index.pk.field, rangeKey: index.sk.field });
    }
  }
  const globalIndexes = [...globals.values()].sort((a, b) => a.name.localeCompare(b.name));
  const fields = [hashKey, rangeKey, ...globalIndexes.flatMap((g) => [g.hashKey, g.rangeKey])];
  return { hashKey, rangeKey, globalIndexes, fields, ttlAttribute };
}
