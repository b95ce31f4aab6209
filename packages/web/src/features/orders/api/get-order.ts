import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import { msUntil } from "../../../lib/countdown.ts";
import type { Order } from "../../../types/api.ts";
import { orderKeys } from "./order-keys.ts";

const FAST_POLL_MS = 1_000;
/** A hold changes only when its buyer pays or lets it go (this tab knows) or when it lapses (the clock says when). */
const WHILE_HELD_POLL_MS = 5_000;

/** Only the order's owner gets it; for anyone else the API answers 404, as for an order that does not exist. */
export const getOrder = (orderId: string, signal?: AbortSignal) =>
  apiRequest<{ order: Order }>(`/orders/${encodeURIComponent(orderId)}`, { auth: true, signal }).then(
    (body) => body.order,
  );

/**
 * How often to look again: every second while the order is on its way to the table or its hold is past its
 * deadline (the space expires it within a second), now and then while it is held, never once it has settled.
 */
export function orderPollInterval(order: Order | undefined, now = Date.now()): number | false {
  if (!order) return false;
  if (order.status === "held") return msUntil(order.holdExpiresAt, now) > 0 ? WHILE_HELD_POLL_MS : FAST_POLL_MS;
  return order.persisted ? false : FAST_POLL_MS;
}

export const orderQueryOptions = (customerId: string, orderId: string) =>
  queryOptions({
    queryKey: orderKeys.detail(customerId, orderId),
    queryFn: ({ signal }) => getOrder(orderId, signal),
    staleTime: 0,
    refetchInterval: (query) => orderPollInterval(query.state.data),
    refetchIntervalInBackground: false,
  });

/** Waits for a signed-in buyer (`customerId` null: nothing is asked). */
export const useOrder = (customerId: string | null, orderId: string) =>
  useQuery({ ...orderQueryOptions(customerId ?? "", orderId), enabled: customerId !== null });
