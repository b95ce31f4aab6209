import type { Order, OrderStatus } from "../types/api.ts";

export const LATE_PAYMENT_REFUNDED = "late_payment_refunded";

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
