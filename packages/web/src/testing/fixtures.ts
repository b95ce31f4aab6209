import type { Order, Show } from "../types/api.ts";

export const SHOW_ID = "shw_01J0000000000000000000TEST";

export const aShow = (overrides: Partial<Show> = {}): Show => ({
  id: SHOW_ID,
  name: "The Midnight Echoes",
  venue: "Paradiso, Amsterdam",
  startsAt: "2030-05-17T20:00:00.000Z",
  capacity: 200,
  priceCents: 4900,
  maxPerCustomer: 4,
  shards: 1,
  holdSeconds: 600,
  status: "on_sale",
  createdAt: "2030-01-01T10:00:00.000Z",
  remaining: 120,
  held: 0,
  soldOut: false,
  ...overrides,
});

export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  id: "ord_01J00000000000000000000001",
  showId: SHOW_ID,
  customerId: "buyer_test",
  quantity: 2,
  status: "confirmed",
  persisted: false,
  createdAt: "2030-01-02T10:00:00.000Z",
  priceCents: 4900,
  shard: 0,
  ...overrides,
});
