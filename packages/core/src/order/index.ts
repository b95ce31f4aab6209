import { z } from "zod";
import { newSecretUlid } from "../id/index.ts";
import { ShowId } from "../show/index.ts";

export const MAX_QUANTITY = 100;

export const OrderId = z.string().regex(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/, "not an order id");
export const CustomerId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:@-]+$/, "customerId may hold letters, digits and _ . : @ -");
export const IdempotencyKey = z
  .string()
  .min(8, "Idempotency-Key must be 8 to 128 characters")
  .max(128, "Idempotency-Key must be 8 to 128 characters")
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key must be printable ASCII without spaces");

/** The customer is never the body's to say: it comes from the buyer's verified token (see `buyer`). */
export const PurchaseBody = z
  .object({
    quantity: z.number().int().min(1).max(MAX_QUANTITY),
    // Described for the API's document as a string nothing matches (`not: {}`): OpenAPI has no "never".
    customerId: z
      .never({ error: "the customer comes from your sign-in token, not the body" })
      .optional()
      .meta({ type: "string", not: {}, description: "never accepted: the customer is the buyer token's" }),
  })
  .strict();
export type PurchaseBody = z.infer<typeof PurchaseBody>;

/**
 * The lifecycle: held → confirmed (paid, or free at once); held → expired | cancelled;
 * confirmed → refunded. Held and confirmed tickets count against stock and the limit.
 */
export const OrderStatus = z.enum(["held", "confirmed", "expired", "cancelled", "refunded"]);
export type OrderStatus = z.infer<typeof OrderStatus>;
/** Statuses whose tickets are out of stock. */
export const isLive = (status: OrderStatus) => status === "held" || status === "confirmed";

/** An order as the space records it and the pump carries it. */
export const OrderRecord = z.object({
  id: OrderId,
  showId: ShowId,
  customerId: CustomerId,
  quantity: z.number().int().min(1),
  createdAt: z.string(),
  idempotencyKey: IdempotencyKey,
  /** The space shard that took the tickets: the customer's home shard. */
  shard: z.number().int().min(0),
  /** The shard's cumulative tickets sold right after this take: a max-register for the projection. */
  soldAfter: z.number().int().min(1),
  priceCents: z.number().int().min(0),
  correlationId: z.string().max(128).optional(),
  /** The request's X-Ray trace header (on AWS), carried through the pump so the writer can name it. */
  traceId: z.string().max(256).optional(),
  /** Orders recorded before checkout carry neither: they were confirmed at once. */
  status: OrderStatus.default("confirmed"),
  /** Bumped by every change of status: the writer keeps each version, and the highest is current. */
  version: z.number().int().min(1).default(1),
  /** A held order's deadline (set at the take; it never moves). */
  holdExpiresAt: z.string().optional(),
  updatedAt: z.string().optional(),
  /** The payment provider's id for the payment that confirmed the order. */
  paymentRef: z.string().max(255).optional(),
  /** What happened beyond the status, for the buyer: `late_payment_refunded`. */
  note: z.string().max(64).optional(),
  /**
   * The generation of the space shard that made this version (`preload`, then each rebuild's barrier
   * id). A version made in a generation a rebuild has since replaced, and reaching the writer after
   * that rebuild's barrier, was never counted by it: the writer voids it (see `projectBatch`).
   */
  generation: z.string().max(80).optional(),
});
export type OrderRecord = z.infer<typeof OrderRecord>;

/**
 * An order as its owner sees it. The Idempotency-Key stays inside: it is the buyer's retry secret,
 * and anyone holding it with the buyer's token could replay into the order.
 */
export const Order = OrderRecord.omit({
  correlationId: true,
  traceId: true,
  soldAfter: true,
  idempotencyKey: true,
  version: true,
  paymentRef: true,
  generation: true,
}).extend({
  /** DynamoDB holds the order's current status (until then only the space and the pump do). */
  persisted: z.boolean(),
});
export type Order = z.infer<typeof Order>;

export const toOrder = (r: OrderRecord, persisted: boolean): Order => ({
  id: r.id,
  showId: r.showId,
  customerId: r.customerId,
  quantity: r.quantity,
  createdAt: r.createdAt,
  shard: r.shard,
  priceCents: r.priceCents,
  status: r.status,
  ...(r.holdExpiresAt ? { holdExpiresAt: r.holdExpiresAt } : {}),
  ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
  ...(r.note ? { note: r.note } : {}),
  persisted,
});

export const newOrderId = () => `ord_${newSecretUlid()}`;

/**
 * A rebuild's barrier id, which is also the generation it gives the show's shards: `bar_<rebuild number>_<ulid>`,
 * the number from the show's own counter (`ShowStore.nextRebuild`), so generations order by the rebuilds
 * that began them, never by a clock.
 */
export const rebuildBarrierId = (rebuild: number, unique: string) =>
  `bar_${String(rebuild).padStart(10, "0")}_${unique}`;

/** Which rebuild made a generation: 0 for `preload` (and anything without a number), then 1, 2, 3… */
export function generationRank(generation: string | undefined): number {
  const m = /^bar_(\d{10})_/.exec(generation ?? "");
  return m ? Number(m[1]) : 0;
}

/** Facts on the pump. The writer switches on `type`; the compiler checks every case. */
export const OrderAccepted = z.object({ type: z.literal("order.accepted"), order: OrderRecord });
/** Orders published together, packed into one Kinesis record (see PumpPublisher). */
export const OrdersAccepted = z.object({ type: z.literal("orders.accepted"), orders: z.array(OrderRecord).min(1) });
export const SpaceBarrier = z.object({
  type: z.literal("space.barrier"),
  barrierId: z.string().min(1).max(64),
  pumpShardId: z.string().min(1).max(128),
  /** The show being rebuilt: from this barrier on, this pump shard carries only its new generation. */
  showId: ShowId.optional(),
});
export const PumpEvent = z.discriminatedUnion("type", [OrderAccepted, OrdersAccepted, SpaceBarrier]);
export type PumpEvent = z.infer<typeof PumpEvent>;
