import type { Order } from "../../../types/api.ts";

/** DynamoDB holds the order: the API's `persisted` flag, or the older `persisted` status. */
export const isPersisted = (order: Order) => {
  const flag = (order as { persisted?: unknown }).persisted;
  return typeof flag === "boolean" ? flag : order.status === "persisted";
};
