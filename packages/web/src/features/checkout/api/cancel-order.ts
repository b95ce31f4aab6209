import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";

/** The buyer lets a hold go: its tickets are back on sale at once. Asking twice answers the same cancelled order. */
export const cancelOrder = (orderId: string) =>
  apiRequest<{ order: Order }>(`/orders/${encodeURIComponent(orderId)}/cancel`, { method: "POST", auth: true }).then(
    (body) => body.order,
  );

export const useCancelOrder = (options: { onSuccess?: (order: Order) => void } = {}) =>
  useMutation({ mutationFn: cancelOrder, onSuccess: options.onSuccess });
