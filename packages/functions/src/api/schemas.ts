import { z } from "@hono/zod-openapi";
import { SignedIn } from "@hotseat/core/buyer";
import type { CheckoutSession as CoreCheckoutSession } from "@hotseat/core/checkout";
import type { ErrorCode } from "@hotseat/core/error";
import { Order as CoreOrder } from "@hotseat/core/order";
import type { ShowStats as CoreShowStats, ShowView as CoreShowView } from "@hotseat/core/sale";
import { Availability as CoreAvailability, Show as CoreShow, ShowStatus } from "@hotseat/core/show";
import { statusOf } from "./errors.ts";

// The shapes the API answers with, for its OpenAPI document and for the test that parses every
// answer with them. Each is core's own schema where core has one, given a component name here;
// core describes the view types that have no schema yet (`ShowView`, `ShowStats`, `CheckoutSession`)
// as TypeScript only, so their schemas are written here and checked against those types below: a
// field core adds or renames without the schema fails the typecheck.

const errorCodes = Object.keys(statusOf) as [ErrorCode, ...ErrorCode[]];

/** Every refusal: a stable `code`, a sentence for people, and the details some codes add (`remaining`, `retryAfterSeconds`). */
export const ErrorBody = z
  .looseObject({
    code: z.enum(errorCodes),
    message: z.string(),
  })
  .meta({ id: "Error", example: { code: "sold_out", message: "no tickets left" } });

export const Show = CoreShow.meta({ id: "Show" });
export const ShowView = CoreShow.extend({
  remaining: z.number().int(),
  held: z.number().int(),
  soldOut: z.boolean(),
}).meta({ id: "ShowView" });
export const Availability = CoreAvailability.meta({ id: "Availability" });
export const Order = CoreOrder.meta({ id: "Order" });

export const ShowStats = z
  .object({
    showId: z.string(),
    status: ShowStatus,
    capacity: z.number().int(),
    remaining: z.number().int(),
    sold: z.number().int(),
    held: z.number().int(),
    confirmed: z.number().int(),
    expired: z.number().int(),
    cancelled: z.number().int(),
    refunded: z.number().int(),
    releasing: z
      .number()
      .int()
      .describe("given back by a change not yet in the pump: on sale as soon as it is, never before"),
    taken: z.number().int(),
    persisted: z.number().int(),
    pending: z.number().int(),
    pendingOrders: z.number().int(),
    oldestPendingMs: z.number().nullable(),
    projectedSold: z.number().int(),
    shards: z.number().int(),
    at: z.string(),
    timeline: z.object({
      bucketMs: z.number().int(),
      buckets: z.array(z.object({ at: z.number(), tickets: z.number().int() })),
    }),
    space: z
      .object({
        usedBytes: z.number().int(),
        maxBytes: z.number().int(),
        fullestPercent: z.number().nullable(),
        nodes: z.array(z.object({ node: z.string(), usedBytes: z.number().int(), maxBytes: z.number().int() })),
      })
      .meta({ id: "SpaceMemory", description: "the space's memory, every show's: a full space refuses purchases" }),
  })
  .meta({ id: "ShowStats" });

export const CheckoutSession = z
  .object({
    provider: z.enum(["test", "stripe"]),
    expiresAt: z.string(),
    amountCents: z.number().int(),
    currency: z.string(),
    paymentId: z.string().optional(),
    clientSecret: z.string().optional(),
  })
  .meta({ id: "CheckoutSession" });

export const Preloaded = z.object({ showId: z.string(), remaining: z.number().int() }).meta({ id: "Preloaded" });
export const SignedInBody = SignedIn.meta({ id: "SignedIn" });
export const CodeSent = z.object({ sent: z.literal(true) }).meta({ id: "CodeSent" });
export const WebhookReceived = z
  .object({ received: z.literal(true), outcome: z.string().optional() })
  .meta({ id: "WebhookReceived" });
export const Metrics = z
  .object({ since: z.string(), metrics: z.record(z.string(), z.number()) })
  .meta({ id: "ProcessMetrics" });
export const Health = z
  .looseObject({ status: z.literal("ok") })
  .meta({ id: "Health", example: { status: "ok", space: "up" } });
export const HealthDown = ErrorBody.extend({ status: z.enum(["degraded", "down"]) }).meta({ id: "HealthDown" });

/** Both ways: core's type is assignable to the schema's output and back, so neither drifts alone. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemasMatchCore = [
  Assert<Same<CoreShowView, z.output<typeof ShowView>>>,
  Assert<Same<CoreShowStats, z.output<typeof ShowStats>>>,
  Assert<Same<CoreCheckoutSession, z.output<typeof CheckoutSession>>>,
];
