/**
 * The ElectroDB schemas as plain constants, with no imports: infra reads the table's keys from
 * here inside SST's config bundle, where electrodb and the AWS SDK cannot be loaded.
 */
const service = "hotseat";

export const showSchema = {
  model: { entity: "show", version: "1", service },
  attributes: {
    showId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    venue: { type: "string", required: true },
    startsAt: { type: "string", required: true },
    capacity: { type: "number", required: true },
    priceCents: { type: "number", required: true },
    maxPerCustomer: { type: "number", required: true },
    shards: { type: "number", required: true },
    /** Shows made before checkout have none: they read as the default. */
    holdSeconds: { type: "number", default: 600 },
    status: { type: ["draft", "on_sale"] as const, required: true },
    createdAt: { type: "string", required: true },
    /** How many rebuilds of the show have begun: each takes the next, and its barrier carries it. */
    rebuilds: { type: "number" },
    /** When the show's one fresh load was claimed (by a preload, under the rebuild lock); absent before. */
    loadedAt: { type: "string" },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["showId"] },
      sk: { field: "sk", composite: [] },
    },
    all: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: [] },
      sk: { field: "gsi1sk", composite: ["startsAt", "showId"] },
    },
  },
} as const;

export const orderSchema = {
  model: { entity: "order", version: "1", service },
  attributes: {
    orderId: { type: "string", required: true, readOnly: true },
    showId: { type: "string", required: true },
    customerId: { type: "string", required: true },
    quantity: { type: "number", required: true },
    createdAt: { type: "string", required: true },
    idempotencyKey: { type: "string", required: true },
    shard: { type: "number", required: true },
    soldAfter: { type: "number", required: true },
    priceCents: { type: "number", required: true },
    correlationId: { type: "string" },
    /** A held order's deadline. The item holds only what never changes; statuses are `orderStatus` items. */
    holdExpiresAt: { type: "string" },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["orderId"] },
      sk: { field: "sk", composite: [] },
    },
    // No index by show: one would put a hot show's every order on one index partition (about
    // 1,000 writes/s, throttling the table behind it), and it cannot be read consistently. The
    // rebuild reads a show's orders from its ledger (`orderLedgerSchema`) instead.
    // `GET /me/orders`. Keyed by customer, so a hot show's orders spread over as many index
    // partitions as it has buyers.
    byCustomer: {
      index: "gsi2",
      pk: { field: "gsi2pk", composite: ["customerId"] },
      sk: { field: "gsi2sk", composite: ["createdAt", "orderId"] },
    },
  },
} as const;

/**
 * One version of an order's status after its first (held → confirmed, expired, cancelled; confirmed →
 * refunded). Each version is its own item, written blind: any number of deliveries in any order leave
 * the same items, and the highest version is the current status. The order's first status needs no
 * item (held when the order has a deadline, else confirmed). Keyed beside the order in its index by customer, so
 * the query that finds a buyer's orders finds their statuses.
 */
export const orderStatusSchema = {
  model: { entity: "orderStatus", version: "1", service },
  attributes: {
    orderId: { type: "string", required: true, readOnly: true },
    version: { type: "number", required: true, readOnly: true },
    status: { type: ["held", "confirmed", "expired", "cancelled", "refunded"] as const, required: true },
    showId: { type: "string", required: true },
    customerId: { type: "string", required: true },
    createdAt: { type: "string", required: true },
    updatedAt: { type: "string" },
    paymentRef: { type: "string" },
    note: { type: "string" },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["orderId"] },
      sk: { field: "sk", composite: ["version"] },
    },
    byCustomer: {
      index: "gsi2",
      pk: { field: "gsi2pk", composite: ["customerId"] },
      sk: { field: "gsi2sk", composite: ["createdAt", "orderId", "version"] },
    },
  },
} as const;

/**
 * How many partitions a show's ledger spreads over. Fixed for the table's life: the rebuild reads
 * every bucket, and an order's bucket is a hash of its id. 32 partitions take about 32,000 writes a
 * second for one show, past what the pump carries.
 */
export const LEDGER_BUCKETS = 32;

/**
 * A show's ledger: every version of every order the writer persisted, as the space and the pump hold
 * it, keyed by show and a bucket hashed from the order id. The rebuild counts a show from these
 * with strongly consistent queries of the base table, which an index cannot give (GSI reads are
 * eventually consistent, so orders written just before a barrier could be missing), and a hot
 * show's writes land on `LEDGER_BUCKETS` partitions instead of one.
 */
export const orderLedgerSchema = {
  model: { entity: "orderLedger", version: "1", service },
  attributes: {
    showId: { type: "string", required: true, readOnly: true },
    bucket: { type: "number", required: true, readOnly: true },
    orderId: { type: "string", required: true, readOnly: true },
    version: { type: "number", required: true, readOnly: true },
    /** The order record's JSON, whole: the rebuild restores it as it was. */
    record: { type: "string", required: true },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["showId", "bucket"] },
      sk: { field: "sk", composite: ["orderId", "version"] },
    },
  },
} as const;

/**
 * A provider refund owed and not yet confirmed by the provider: written before the call, deleted once
 * it succeeded, retried by the sweeper until then. Durable (the space may lose its shows); refunds are
 * rare, so one partition holds them all.
 */
export const refundOwedSchema = {
  model: { entity: "refundOwed", version: "1", service },
  attributes: {
    orderId: { type: "string", required: true, readOnly: true },
    paymentRef: { type: "string", required: true },
    showId: { type: "string", required: true },
    /** The order record's JSON, as the provider adapter is handed it. */
    record: { type: "string", required: true },
    owedAt: { type: "string", required: true },
    attempts: { type: "number", required: true },
    lastError: { type: "string" },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: [] },
      sk: { field: "sk", composite: ["orderId"] },
    },
  },
} as const;

/**
 * The writer's projection of one space shard: `soldAfter` is a max-register (the highest
 * cumulative count any persisted order of that shard carried), so replays never inflate it.
 */
export const shardProjectionSchema = {
  model: { entity: "shardProjection", version: "1", service },
  attributes: {
    showId: { type: "string", required: true, readOnly: true },
    shard: { type: "number", required: true, readOnly: true },
    soldAfter: { type: "number", required: true },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["showId"] },
      sk: { field: "sk", composite: ["shard"] },
    },
  },
} as const;

/** A barrier the rehydrator sent down one pump shard, recorded by the writer once it got there. */
export const barrierSchema = {
  model: { entity: "barrier", version: "1", service },
  attributes: {
    barrierId: { type: "string", required: true, readOnly: true },
    pumpShardId: { type: "string", required: true, readOnly: true },
    expiresAt: { type: "number", required: true },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["barrierId"] },
      sk: { field: "sk", composite: ["pumpShardId"] },
    },
  },
} as const;

/**
 * The last rebuild barrier of a show that the writer met on one pump shard. Past it, that shard carries
 * only versions of the show's new generation: an older one there reached the writer after the rebuild
 * had counted without it, and is void. Written by the one writer of that pump shard, in stream order.
 */
export const showFenceSchema = {
  model: { entity: "showFence", version: "1", service },
  attributes: {
    showId: { type: "string", required: true, readOnly: true },
    pumpShardId: { type: "string", required: true, readOnly: true },
    barrierId: { type: "string", required: true },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["showId"] },
      sk: { field: "sk", composite: ["pumpShardId"] },
    },
  },
} as const;

/**
 * A verified address and the opaque id its buyer goes by. `subject` is a hash of the normalised
 * address, so the key names nobody; the address itself is kept for mail.
 */
export const customerSchema = {
  model: { entity: "customer", version: "1", service },
  attributes: {
    subject: { type: "string", required: true, readOnly: true },
    customerId: { type: "string", required: true, readOnly: true },
    email: { type: "string", required: true },
    createdAt: { type: "string", required: true },
  },
  indexes: {
    primary: {
      pk: { field: "pk", composite: ["subject"] },
      sk: { field: "sk", composite: [] },
    },
  },
} as const;

/** Items carrying this attribute (epoch seconds) expire by DynamoDB's TTL: the rehydration barriers. */
export const ttlAttribute = "expiresAt";

export const schemas = [
  showSchema,
  orderSchema,
  orderStatusSchema,
  orderLedgerSchema,
  refundOwedSchema,
  shardProjectionSchema,
  barrierSchema,
  showFenceSchema,
  customerSchema,
] as const;
