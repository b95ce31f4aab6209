/**
 * The one place that knows where configuration comes from: SST's `Resource` on AWS,
 * environment variables locally. Everything else receives a plain `RuntimeConfig`.
 */
import { Resource } from "sst/resource";

export interface RuntimeConfig {
  /** The space: see `SpaceConnection` (`nodes` and `caFile` only for a local Redis Cluster with its own CA). */
  redis: {
    url: string;
    cluster: boolean;
    tls: boolean;
    nodes?: string[];
    caFile?: string;
    /** SPACE_REPLICA_ACKS: acknowledge a take only once this many replicas have it (Redis `WAIT`); 0 = off. */
    replicaAcks?: number;
    /** SPACE_REPLICA_ACK_TIMEOUT_MS: how long a take waits for them before a retryable 503. */
    replicaAckTimeoutMs?: number;
  };
  pump: { streamName: string; endpoint?: string };
  table: { name: string; endpoint?: string };
  region: string;
  adminToken: string;
  /** The private Ed25519 JWK that signs buyer tokens (its public half verifies them, in-process). */
  buyers: { tokenKey: string };
  /** Where sign-in codes go: SES from `from` on AWS, else JSON files in `outboxDir`. */
  mail: { from?: string; outboxDir?: string };
  payments: PaymentsConfig;
  /** The rebuild worker's Lambda, invoked asynchronously when a show is lost; none runs it in-process (the local stack). */
  rebuild?: { functionName?: string };
}

export interface PaymentsConfig {
  /** `test`: the test provider (no money moves); `stripe`: PaymentIntents and the signed webhook. */
  provider: "test" | "stripe";
  currency: string;
  stripe?: {
    secretKey: string;
    webhookSecret: string;
    /** Only for a stand-in of Stripe's API in tests: where the SDK sends its calls. */
    apiUrl?: string;
  };
}

const paymentsProvider = (value: string | undefined): PaymentsConfig["provider"] => {
  const provider = value || "test";
  if (provider !== "test" && provider !== "stripe") throw new Error(`payments must be test or stripe, got "${value}"`);
  return provider;
};

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
};

const optional = (name: string) => process.env[name] || undefined;

/** A whole number ≥ 0 from a setting, or undefined when unset. */
const wholeNumber = (name: string, raw: string | number | undefined): number | undefined => {
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
};

/** The space's replica acknowledgements, when set (see `RuntimeConfig.redis`). */
const replicaSettings = (acks: string | number | undefined, timeoutMs: string | number | undefined) => {
  const replicaAcks = wholeNumber("SPACE_REPLICA_ACKS", acks);
  const replicaAckTimeoutMs = wholeNumber("SPACE_REPLICA_ACK_TIMEOUT_MS", timeoutMs);
  return {
    ...(replicaAcks ? { replicaAcks } : {}),
    ...(replicaAckTimeoutMs ? { replicaAckTimeoutMs } : {}),
  };
};

export function configFromEnv(): RuntimeConfig {
  const nodes = optional("HOTSEAT_REDIS_NODES");
  const caFile = optional("HOTSEAT_REDIS_CA_FILE");
  return {
    redis: {
      url: required("HOTSEAT_REDIS_URL"),
      cluster: process.env.HOTSEAT_REDIS_CLUSTER === "true",
      tls: process.env.HOTSEAT_REDIS_TLS === "true",
      ...(nodes ? { nodes: nodes.split(",") } : {}),
      ...(caFile ? { caFile } : {}),
      ...replicaSettings(process.env.HOTSEAT_SPACE_REPLICA_ACKS, process.env.HOTSEAT_SPACE_REPLICA_ACK_TIMEOUT_MS),
    },
    pump: { streamName: required("HOTSEAT_STREAM"), endpoint: process.env.HOTSEAT_KINESIS_ENDPOINT },
    table: { name: required("HOTSEAT_TABLE"), endpoint: process.env.HOTSEAT_DYNAMODB_ENDPOINT },
    region: process.env.AWS_REGION ?? "us-east-1",
    adminToken: required("HOTSEAT_ADMIN_TOKEN"),
    // Read when first used: the writer and the sweeper never sign anyone in.
    get buyers() {
      return { tokenKey: required("HOTSEAT_BUYER_TOKEN_KEY") };
    },
    get mail() {
      return { from: process.env.HOTSEAT_MAIL_FROM, outboxDir: process.env.HOTSEAT_OUTBOX_DIR };
    },
    rebuild: { functionName: optional("HOTSEAT_REBUILD_FUNCTION") },
    get payments() {
      const provider = paymentsProvider(process.env.HOTSEAT_PAYMENTS);
      return {
        provider,
        currency: process.env.HOTSEAT_CURRENCY || "usd",
        stripe:
          provider === "stripe"
            ? {
                secretKey: required("HOTSEAT_STRIPE_SECRET_KEY"),
                webhookSecret: required("HOTSEAT_STRIPE_WEBHOOK_SECRET"),
                apiUrl: process.env.HOTSEAT_STRIPE_API_URL || undefined,
              }
            : undefined,
      };
    },
  };
}

/** What infra/ links to the functions, by link name (infra/space.ts, pump.ts, table.ts, api.ts). */
export interface LinkedResources {
  Space: {
    host: string;
    port: number;
    username: string;
    password: string;
    tls?: boolean;
    cluster?: boolean;
    /** From the stage's replica count (infra/space.ts). */
    replicaAcks?: number;
  };
  Pump: { name: string };
  Table: { name: string };
  AdminToken: { value: string };
  BuyerTokenKey: { value: string };
  /** SST's `sst.aws.Email`: the verified sender. */
  Mail: { sender: string };
  Payments: { provider: string; currency: string };
  /** Linked only where the stage's provider is Stripe. */
  StripeSecretKey: { value: string };
  StripeWebhookSecret: { value: string };
  /** The rebuild worker (infra/rebuild.ts), linked to the API and the sweeper. */
  Rebuilder?: { name: string };
}

export function spaceUrl(space: LinkedResources["Space"]): string {
  const tls = space.tls ?? true;
  const auth = space.password ? `${encodeURIComponent(space.username)}:${encodeURIComponent(space.password)}@` : "";
  return `${tls ? "rediss" : "redis"}://${auth}${space.host}:${space.port}`;
}

/**
 * Each part is read when it is first used, so a function reads only the links it has; one that reaches for a
 * link it was not given gets SST's own "X is not linked" error at that point.
 */
export function configFromResources(linked: LinkedResources): RuntimeConfig {
  return {
    get redis() {
      const space = linked.Space;
      // ElastiCache (cluster mode, TLS required) unless the link says otherwise, as it does for `sst dev`'s local Redis.
      return {
        url: spaceUrl(space),
        cluster: space.cluster ?? true,
        tls: space.tls ?? true,
        ...replicaSettings(space.replicaAcks, undefined),
      };
    },
    get pump() {
      return { streamName: linked.Pump.name };
    },
    get table() {
      return { name: linked.Table.name };
    },
    region: process.env.AWS_REGION ?? "us-east-1",
    get adminToken() {
      return linked.AdminToken.value;
    },
    get buyers() {
      return { tokenKey: linked.BuyerTokenKey.value };
    },
    get mail() {
      return { from: linked.Mail.sender };
    },
    get rebuild() {
      return { functionName: linked.Rebuilder?.name };
    },
    get payments() {
      const provider = paymentsProvider(linked.Payments.provider);
      return {
        provider,
        currency: linked.Payments.currency,
        stripe:
          provider === "stripe"
            ? { secretKey: linked.StripeSecretKey.value, webhookSecret: linked.StripeWebhookSecret.value }
            : undefined,
      };
    },
  };
}

/** SST sets `SST_RESOURCE_App` on every function it deploys and on every process `sst dev` starts. */
export const linkedBySst = () => Boolean(process.env.SST_RESOURCE_App);

export function readConfig(): RuntimeConfig {
  return linkedBySst() ? configFromResources(Resource as unknown as LinkedResources) : configFromEnv();
}
