// Orders are private: every key names the buyer, so one buyer's cached orders are never shown to the next.
export const orderKeys = {
  all: ["orders"] as const,
  detail: (customerId: string, orderId: string) => [...orderKeys.all, customerId, "detail", orderId] as const,
  mine: (customerId: string) => [...orderKeys.all, customerId, "mine"] as const,
};
