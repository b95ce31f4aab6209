import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";
import { orderKeys } from "./order-keys.ts";

const WHILE_ACCEPTED_POLL_MS = 1_000;

/** Only the order's owner gets it; for anyone else the API answers 404, as for an order that does not exist. */
export const getOrder = (orderId: string, signal?: AbortSignal) =>
  apiRequest<{ order: Order }>(`/orders/${encodeURIComponent(orderId)}`, { auth: true, signal }).then(
    (body) => body.order,
  );

export const orderQueryOptions = (customerId: string, orderId: string) =>
  queryOptions({
    queryKey: orderKeys.detail(customerId, orderId),
    queryFn: ({ signal }) => getOrder(orderId, signal),
    staleTime: 0,
    // An accepted order becomes persisted once the writer has drained the pump; after that it never changes.
    refetchInterval: (query) => (query.state.data?.persisted ? false : WHILE_ACCEPTED_POLL_MS),
    refetchIntervalInBackground: false,
  });

/** Waits for a signed-in buyer (`customerId` null: nothing is asked). */
export const useOrder = (customerId: string | null, orderId: string) =>
  useQuery({ ...orderQueryOptions(customerId ?? "", orderId), enabled: customerId !== null });
