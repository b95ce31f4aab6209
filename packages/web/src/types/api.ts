// Resource shapes of the HotSeat public API (see DESIGN.md, "Public API"), shared by every feature.

export type ShowStatus = "draft" | "on_sale";

export type Show = {
  id: string;
  name: string;
  venue: string;
  startsAt: string;
  capacity: number;
  priceCents: number;
  maxPerCustomer: number;
  shards: number;
  status: ShowStatus;
  createdAt: string;
  remaining: number;
  soldOut: boolean;
};

export type Availability = {
  showId: string;
  remaining: number;
  soldOut: boolean;
  onSale: boolean;
};

export type OrderStatus = "accepted" | "persisted";

export type Order = {
  id: string;
  showId: string;
  customerId: string;
  quantity: number;
  status: OrderStatus;
  createdAt: string;
  priceCents: number;
  idempotencyKey: string;
  shard: number;
};

export type ShowStats = {
  showId: string;
  capacity: number;
  remaining: number;
  sold: number;
  persisted: number;
  pending: number;
  pendingOrders: number;
  oldestPendingMs: number;
  shards: number;
  at: string;
};
