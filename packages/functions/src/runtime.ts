import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import {
  BuyerAuth,
  type BuyerAuthOptions,
  BuyerTokens,
  Customers,
  DynamoCustomerStore,
  RedisLoginCodes,
} from "@hotseat/core/buyer";
import { Checkout, type PaymentProvider, RefundLedger, StripePayments, TestPayments } from "@hotseat/core/checkout";
import {
  createDb,
  createDocumentClient,
  ElectroOrderStore,
  ElectroRefundsOwed,
  ElectroShowStore,
} from "@hotseat/core/db";
import { type Mailer, OutboxMailer, SesMailer } from "@hotseat/core/mail";
import { createKinesisClient, type PublisherOptions, PumpPublisher } from "@hotseat/core/pump";
import { inProcessTrigger, type RebuildTrigger, throttledTrigger } from "@hotseat/core/rehydrate";
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
  const shows = new ElectroShowStore(db);
  const orders = new ElectroOrderStore(db);
  let kinesis: KinesisClient | undefined;
  let publisher: PumpPublisher | undefined;
  let sales: Sales | undefined;
  let buyers: BuyerAuth | undefined;
  let buyerTokens: BuyerTokens | undefined;
  let checkout: Checkout | undefined;
  let payments: PaymentProvider | undefined;
  const refunds = new RefundLedger(new ElectroRefundsOwed(db));
  const mailer = (): Mailer => {
    const { from, outboxDir } = config.mail;
    if (from) return new SesMailer(new SESv2Client({ region: config.region }), from);
    if (outboxDir) return new OutboxMailer(outboxDir);
    throw new Error("no mail configured: a sender for SES, or an outbox folder");
  };
  let rebuildTrigger: RebuildTrigger | undefined;
  /**
   * Read at the first ask: the rebuild Lambda (async, `InvocationType: Event`, so the buyer's request
   * never waits for it) where one is configured, else this process's worker in the background.
   */
  const rebuild: RebuildTrigger = {
    request(showId) {
      if (!rebuildTrigger) {
        const functionName = config.rebuild?.functionName;
        if (functionName) {
          const lambda = new LambdaClient({ region: config.region });
          const payload = (id: string) => Buffer.from(JSON.stringify({ showId: id }));
          rebuildTrigger = throttledTrigger(space, 1000, async (id) => {
            await lambda.send(
              new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: payload(id) }),
            );
          });
        } else rebuildTrigger = inProcessTrigger(runtime.sales.rebuilder, space);
      }
      return rebuildTrigger.request(showId);
    },
  };
  const runtime = {
    config,
    redis,
    space,
    dynamo,
    db,
    shows,
    orders,
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
      sales ??= new Sales({
        shows,
        orders,
        space,
        publisher: runtime.publisher,
        options: options.sale,
        rebuild,
      });
      return sales;
    },
    /** The payment provider, shared by checkout and the sweeper's refund retries. */
    get payments(): PaymentProvider {
      payments ??= paymentProvider(config.payments);
      return payments;
    },
    refunds,
    get checkout(): Checkout {
      checkout ??= new Checkout({
        space,
        sales: runtime.sales,
        publisher: runtime.publisher,
        payments: runtime.payments,
        currency: config.payments.currency,
        refunds,
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
