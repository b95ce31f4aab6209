import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Order } from "../../../types/api.ts";
import { adminKeys } from "./admin-keys.ts";
import { adminRequest } from "./admin-request.ts";

/** Refunds a confirmed order: the money goes back and its tickets return to sale. Asking twice refunds once. */
export const refundOrder = (orderId: string) =>
  adminRequest<{ order: Order }>(`/admin/orders/${encodeURIComponent(orderId)}/refund`, { method: "POST" }).then(
    (body) => body.order,
  );

export const useRefundOrder = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: refundOrder,
    onSuccess: async (order) => {
      await queryClient.invalidateQueries({ queryKey: adminKeys.stats(order.showId) });
    },
  });
};
