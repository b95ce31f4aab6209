import { z } from "zod";
import { newUlid } from "../id/index.ts";
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

export const PurchaseBody = z
  .object({
    customerId: CustomerId,
    quantity: z.number().int().min(1).max(MAX_QUANTITY),
  })
  .strict();
export type PurchaseBody = z.infer<typeof PurchaseBody>;

export const OrderStatus = z.enum(["accepted", "persisted"]);
export type OrderStatus = z.infer<typeof OrderStatus>;

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
});
export type OrderRecord = z.infer<typeof OrderRecord>;

export const Order = OrderRecord.omit({ correlationId: true, soldAfter: true }).extend({ status: OrderStatus });
export type Order = z.infer<typeof Order>;

export const toOrder = (r: OrderRecord, status: OrderStatus): Order => ({
  id: r.id,
  showId: r.showId,
  customerId: r.customerId,
  quantity: r.quantity,
  createdAt: r.createdAt,
  idempotencyKey: r.idempotencyKey,
  shard: r.shard,
  priceCents: r.priceCents,
  status,
});

export const newOrderId = () => `ord_${newUlid()}`;

/** Facts on the pump. The writer switches on `type`; the compiler checks every case. */
export const OrderAccepted = z.object({ type: z.literal("order.accepted"), order: OrderRecord });
/** Orders published together, packed into one Kinesis record (see PumpPublisher). */
export const OrdersAccepted = z.object({ type: z.literal("orders.accepted"), orders: z.array(OrderRecord).min(1) });
export const SpaceBarrier = z.object({
  type: z.literal("space.barrier"),
  barrierId: z.string().min(1).max(64),
  pumpShardId: z.string().min(1).max(128),
});
export const PumpEvent = z.discriminatedUnion("type", [OrderAccepted, OrdersAccepted, SpaceBarrier]);
export type PumpEvent = z.infer<typeof PumpEvent>;
