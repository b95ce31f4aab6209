import fs from "node:fs";
import path from "node:path";
import { newBuyerTokenKey } from "@hotseat/core/buyer";
import type { RuntimeConfig } from "@hotseat/functions/config";

/** The HOTSEAT_* variables that `readConfig()` turns back into `config`: for processes started on the stack. */
export function configEnv(config: RuntimeConfig): Record<string, string> {
  const space = config.redis;
  const stripe = config.payments.stripe;
  return {
    HOTSEAT_REDIS_URL: space.url,
    ...(space.cluster ? { HOTSEAT_REDIS_CLUSTER: "true" } : {}),
    ...(space.tls ? { HOTSEAT_REDIS_TLS: "true" } : {}),
    ...(space.nodes ? { HOTSEAT_REDIS_NODES: space.nodes.join(",") } : {}),
    ...(space.caFile ? { HOTSEAT_REDIS_CA_FILE: space.caFile } : {}),
    ...(space.replicaAcks ? { HOTSEAT_SPACE_REPLICA_ACKS: String(space.replicaAcks) } : {}),
    HOTSEAT_STREAM: config.pump.streamName,
    HOTSEAT_KINESIS_ENDPOINT: config.pump.endpoint ?? "",
    HOTSEAT_TABLE: config.table.name,
    HOTSEAT_DYNAMODB_ENDPOINT: config.table.endpoint ?? "",
    HOTSEAT_ADMIN_TOKEN: config.adminToken,
    HOTSEAT_BUYER_TOKEN_KEY: config.buyers.tokenKey,
    HOTSEAT_OUTBOX_DIR: config.mail.outboxDir ?? "",
    HOTSEAT_PAYMENTS: config.payments.provider,
    HOTSEAT_CURRENCY: config.payments.currency,
    ...(stripe
      ? {
          HOTSEAT_STRIPE_SECRET_KEY: stripe.secretKey,
          HOTSEAT_STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
          ...(stripe.apiUrl ? { HOTSEAT_STRIPE_API_URL: stripe.apiUrl } : {}),
        }
      : {}),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
}

/**
 * The local stage's signing key, made on first start and kept with the data, so tokens survive a
 * restart as shows and orders do. Only the local stack does this; on AWS it is the `BuyerTokenKey` secret.
 */
export async function localTokenKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, "buyer-token-key.json");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  const key = await newBuyerTokenKey();
  fs.writeFileSync(file, key, { mode: 0o600 });
  return key;
}
