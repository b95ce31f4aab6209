import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";
import { orderKeys } from "./order-keys.ts";

/** The signed-in buyer's own orders, newest first. */
export const getMyOrders = (signal?: AbortSignal) =>
  apiRequest<{ orders: Order[] }>("/me/orders", { auth: true, signal }).then((body) => body.orders);

export const myOrdersQueryOptions = (customerId: string) =>
  queryOptions({
    queryKey: orderKeys.mine(customerId),
    queryFn: ({ signal }) => getMyOrders(signal),
    staleTime: 0,
  });

export const useMyOrders = (customerId: string | null) =>
  useQuery({ ...myOrdersQueryOptions(customerId ?? ""), enabled: customerId !== null });
