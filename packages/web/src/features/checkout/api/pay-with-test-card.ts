import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";

/** The test provider only: no money moves. Answers the confirmed order, or 402 `payment_declined` (still held). */
export const payWithTestCard = ({ orderId, card }: { orderId: string; card: string }) =>
  apiRequest<{ order: Order }>(`/orders/${encodeURIComponent(orderId)}/test-payment`, {
    method: "POST",
    auth: true,
    body: { card },
  }).then((body) => body.order);

export const usePayWithTestCard = (options: { onSuccess?: (order: Order) => void } = {}) =>
  useMutation({ mutationFn: payWithTestCard, onSuccess: options.onSuccess });
