// A checkout belongs to the buyer whose order it pays: every key names them, like the orders' keys.
export const checkoutKeys = {
  all: ["checkout"] as const,
  session: (customerId: string, orderId: string) => [...checkoutKeys.all, customerId, "session", orderId] as const,
};
