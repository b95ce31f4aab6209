import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import {
  BuyerAuth,
  type BuyerAuthOptions,
  BuyerTokens,
  Customers,
  DynamoCustomerStore,
  RedisLoginCodes,
} from "@hotseat/core/buyer";
import { Checkout, type PaymentProvider, StripePayments, TestPayments } from "@hotseat/core/checkout";
import { createDb, createDocumentClient } from "@hotseat/core/db";
import { type Mailer, OutboxMailer, SesMailer } from "@hotseat/core/mail";
import { createKinesisClient, type PublisherOptions, PumpPublisher } from "@hotseat/core/pump";
import { type SaleOptions, Sales } from "@hotseat/core/sale";
import { createSpaceClient, InventorySpace } from "@hotseat/core/space";
import Stripe from "stripe";
import type { PaymentsConfig, RuntimeConfig } from "./config.ts";

function paymentProvider(config: PaymentsConfig): PaymentProvider {
  if (config.provider === "test" || !config.stripe) return new TestPayments();
  const api = config.stripe.apiUrl ? new URL(config.stripe.apiUrl) : undefined;
  const stripe = new Stripe(config.stripe.secretKey, {
    maxNetworkRetries: 2,
    timeout: 8000,
    ...(api ? { host: api.hostname, port: api.port, protocol: api.protocol === "http:" ? "http" : "https" } : {}),
  });
  return new StripePayments(stripe, config.stripe.webhookSecret);
}

export interface RuntimeOptions {
  publisher?: PublisherOptions;
  sale?: SaleOptions;
  signIn?: BuyerAuthOptions;
}

/**
 * The composition root: every adapter builds its parts here, once per process. The pump's
 * client, publisher and the sale are made on first use, so the writer (which never publishes)
 * needs no link to the stream.
 */
export function createRuntime(config: RuntimeConfig, options: RuntimeOptions = {}) {
  const redis = createSpaceClient(config.redis);
  const space = new InventorySpace(redis, {
    replicaAcks: config.redis.replicaAcks,
    replicaAckTimeoutMs: config.redis.replicaAckTimeoutMs,
  });
  // An endpoint means an emulator, which accepts any credentials; on AWS the role's are used.
  const credentials = (endpoint: string | undefined) =>
    endpoint
      ? {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
        }
      : undefined;
  const dynamo = createDocumentClient({
    region: config.region,
    endpoint: config.table.endpoint,
    credentials: credentials(config.table.endpoint),
  });
  const db = createDb(dynamo, config.table.name);
  let kinesis: KinesisClient | undefined;
  let publisher: PumpPublisher | undefined;
  let sales: Sales | undefined;
  let buyers: BuyerAuth | undefined;
  let buyerTokens: BuyerTokens | undefined;
  let checkout: Checkout | undefined;
  const mailer = (): Mailer => {
    const { from, outboxDir } = config.mail;
    if (from) return new SesMailer(new SESv2Client({ region: config.region }), from);
    if (outboxDir) return new OutboxMailer(outboxDir);
    throw new Error("no mail configured: a sender for SES, or an outbox folder");
  };
  const runtime = {
    config,
    redis,
    space,
    dynamo,
    db,
    get kinesis(): KinesisClient {
      kinesis ??= createKinesisClient({
        region: config.region,
        endpoint: config.pump.endpoint,
        credentials: credentials(config.pump.endpoint),
      });
      return kinesis;
    },
    get publisher(): PumpPublisher {
      publisher ??= new PumpPublisher(runtime.kinesis, config.pump.streamName, options.publisher);
      return publisher;
    },
    get sales(): Sales {
      sales ??= new Sales({ db, space, publisher: runtime.publisher, options: options.sale });
      return sales;
    },
    get checkout(): Checkout {
      checkout ??= new Checkout({
        space,
        sales: runtime.sales,
        payments: paymentProvider(config.payments),
        currency: config.payments.currency,
      });
      return checkout;
    },
    get buyerTokens(): BuyerTokens {
      buyerTokens ??= new BuyerTokens(config.buyers.tokenKey);
      return buyerTokens;
    },
    get buyers(): BuyerAuth {
      buyers ??= new BuyerAuth(
        {
          codes: new RedisLoginCodes(redis),
          customers: new Customers(new DynamoCustomerStore(db)),
          mailer: mailer(),
          tokens: runtime.buyerTokens,
        },
        options.signIn,
      );
      return buyers;
    },
    async stop() {
      await publisher?.drain();
      redis.disconnect();
      kinesis?.destroy();
      dynamo.destroy();
    },
  };
  return runtime;
}
export type Runtime = ReturnType<typeof createRuntime>;
