import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity, Service } from "electrodb";
import {
  barrierSchema,
  customerSchema,
  orderLedgerSchema,
  orderSchema,
  orderStatusSchema,
  refundOwedSchema,
  shardProjectionSchema,
  showFenceSchema,
  showSchema,
} from "./schema.ts";

const clients = new WeakMap<object, { client: DynamoDBDocumentClient; table: string }>();

/** The document client and table a `createDb` service was made with. */
export function clientOf(db: Db) {
  const found = clients.get(db);
  if (!found) throw new Error("not a database made by createDb");
  return found;
}

export function createDb(client: DynamoDBDocumentClient, table: string) {
  const config = { client, table };
  const db = new Service(
    {
      show: new Entity(showSchema, config),
      order: new Entity(orderSchema, config),
      orderStatus: new Entity(orderStatusSchema, config),
      orderLedger: new Entity(orderLedgerSchema, config),
      refundOwed: new Entity(refundOwedSchema, config),
      shardProjection: new Entity(shardProjectionSchema, config),
      barrier: new Entity(barrierSchema, config),
      showFence: new Entity(showFenceSchema, config),
      customer: new Entity(customerSchema, config),
    },
    config,
  );
  clients.set(db, { client, table });
  return db;
}
export type Db = ReturnType<typeof createDb>;
