import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";
import { orderKeys } from "./order-keys.ts";

const WHILE_ACCEPTED_POLL_MS = 1_000;

export const getOrder = (orderId: string, signal?: AbortSignal) =>
  apiRequest<{ order: Order }>(`/orders/${encodeURIComponent(orderId)}`, { signal }).then((body) => body.order);

export const orderQueryOptions = (orderId: string) =>
  queryOptions({
    queryKey: orderKeys.detail(orderId),
    queryFn: ({ signal }) => getOrder(orderId, signal),
    staleTime: 0,
    // An accepted order becomes persisted once the writer has drained the pump; after that it never changes.
    refetchInterval: (query) => (query.state.data?.persisted ? false : WHILE_ACCEPTED_POLL_MS),
    refetchIntervalInBackground: false,
  });

export const useOrder = (orderId: string) => useQuery(orderQueryOptions(orderId));
