import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity, Service } from "electrodb";
import { barrierSchema, orderSchema, shardProjectionSchema, showSchema } from "./schema.ts";

export function createDb(client: DynamoDBDocumentClient, table: string) {
  const config = { client, table };
  return new Service(
    {
      show: new Entity(showSchema, config),
      order: new Entity(orderSchema, config),
      shardProjection: new Entity(shardProjectionSchema, config),
      barrier: new Entity(barrierSchema, config),
    },
    config,
  );
}
export type Db = ReturnType<typeof createDb>;
