import type { Order, OrderStatus } from "../types/api.ts";

export const LATE_PAYMENT_REFUNDED = "late_payment_refunded";
export const LATE_PAYMENT_RELEASED = "late_payment_released";

const LABELS: Record<OrderStatus, string> = {
  held: "Held",
  confirmed: "Confirmed",
  expired: "Expired",
  cancelled: "Cancelled",
  refunded: "Refunded",
};

export const orderStatusLabel = (status: OrderStatus) => LABELS[status];

/** The CSS modifier of the status pill: waiting, done, or over. */
export const orderStatusTone = (status: OrderStatus) =>
  status === "held" ? "held" : status === "confirmed" ? "confirmed" : "ended";

/** Money arrived after the hold had lapsed (or was released), and went back. */
export const wasPaidLate = (order: Pick<Order, "note">) => order.note === LATE_PAYMENT_REFUNDED;

/** A card was authorized after the hold had gone: the authorization was let go, nothing was charged. */
export const wasAuthorizedLate = (order: Pick<Order, "note">) => order.note === LATE_PAYMENT_RELEASED;
