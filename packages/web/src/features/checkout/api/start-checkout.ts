import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { CheckoutSession } from "../../../types/api.ts";
import { checkoutKeys } from "./checkout-keys.ts";

/**
 * Starts paying a held order, or hands back the payment already started (the API makes one per order), so it is
 * safe to ask again: it is read like a query, once per order page.
 */
export const startCheckout = (orderId: string, signal?: AbortSignal) =>
  apiRequest<{ checkout: CheckoutSession }>(`/orders/${encodeURIComponent(orderId)}/checkout`, {
    method: "POST",
    auth: true,
    signal,
  }).then((body) => body.checkout);

export const checkoutQueryOptions = (customerId: string, orderId: string) =>
  queryOptions({
    queryKey: checkoutKeys.session(customerId, orderId),
    queryFn: ({ signal }) => startCheckout(orderId, signal),
    // The session lives as long as the hold; what changes after is the order, which is read on its own.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });

/** Asks only for a signed-in buyer's order that is still held (`enabled`). */
export const useCheckoutSession = (customerId: string | null, orderId: string, enabled: boolean) =>
  useQuery({ ...checkoutQueryOptions(customerId ?? "", orderId), enabled: enabled && customerId !== null });
