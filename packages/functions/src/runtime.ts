import { createDb, createDocumentClient } from "@hotseat/core/db";
import { createKinesisClient, type PublisherOptions, PumpPublisher } from "@hotseat/core/pump";
import { type SaleOptions, Sales } from "@hotseat/core/sale";
import { createSpaceClient, InventorySpace } from "@hotseat/core/space";
import type { RuntimeConfig } from "./config.ts";

export interface RuntimeOptions {
  publisher?: PublisherOptions;
  sale?: SaleOptions;
}

/** The composition root: every adapter builds its parts here, once per process. */
export function createRuntime(config: RuntimeConfig, options: RuntimeOptions = {}) {
  const redis = createSpaceClient(config.redis);
  const space = new InventorySpace(redis);
  const credentials =
    config.pump.endpoint || config.table.endpoint
      ? {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
        }
      : undefined;
  const kinesis = createKinesisClient({ region: config.region, endpoint: config.pump.endpoint, credentials });
  const publisher = new PumpPublisher(kinesis, config.pump.streamName, options.publisher);
  const dynamo = createDocumentClient({ region: config.region, endpoint: config.table.endpoint, credentials });
  const db = createDb(dynamo, config.table.name);
  const sales = new Sales({ db, space, publisher, options: options.sale });
  return {
    config,
    redis,
    space,
    kinesis,
    publisher,
    dynamo,
    db,
    sales,
    async stop() {
      await publisher.drain();
      redis.disconnect();
      kinesis.destroy();
      dynamo.destroy();
    },
  };
}
export type Runtime = ReturnType<typeof createRuntime>;
