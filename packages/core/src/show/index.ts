import { z } from "zod";
import { newUlid } from "../id/index.ts";

export const MAX_CAPACITY = 10_000_000;
export const MAX_SHARDS = 64;

export const ShowId = z.string().regex(/^shw_[0-9A-HJKMNP-TV-Z]{26}$/, "not a show id");

export const CreateShowInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    venue: z.string().trim().min(1).max(200),
    startsAt: z.iso.datetime({ offset: true }),
    capacity: z.number().int().min(1).max(MAX_CAPACITY),
    priceCents: z.number().int().min(0).max(100_000_000),
    maxPerCustomer: z.number().int().min(1).max(1000).default(4),
    shards: z.number().int().min(1).max(MAX_SHARDS).default(1),
    /** How long a purchase of a priced show holds its tickets for payment. */
    holdSeconds: z.number().int().min(5).max(3600).default(600),
  })
  .strict()
  .refine((s) => s.shards <= s.capacity, { message: "shards must not exceed capacity", path: ["shards"] });
export type CreateShowInput = z.input<typeof CreateShowInput>;

export const ShowStatus = z.enum(["draft", "on_sale"]);
export type ShowStatus = z.infer<typeof ShowStatus>;

export const Show = z.object({
  id: ShowId,
  name: z.string(),
  venue: z.string(),
  startsAt: z.string(),
  capacity: z.number().int(),
  priceCents: z.number().int(),
  maxPerCustomer: z.number().int(),
  shards: z.number().int(),
  holdSeconds: z.number().int(),
  status: ShowStatus,
  createdAt: z.string(),
});
export type Show = z.infer<typeof Show>;

export const Availability = z.object({
  showId: ShowId,
  remaining: z.number().int(),
  /** Held for buyers who are paying: they come back to sale if the holds lapse. */
  held: z.number().int(),
  soldOut: z.boolean(),
  onSale: z.boolean(),
});
export type Availability = z.infer<typeof Availability>;

export const newShowId = () => `shw_${newUlid()}`;

/** Splits capacity across shards: the first `capacity % shards` shards get one extra ticket. */
export function splitCapacity(capacity: number, shards: number): number[] {
  const base = Math.floor(capacity / shards);
  const extra = capacity % shards;
  return Array.from({ length: shards }, (_, i) => base + (i < extra ? 1 : 0));
}
