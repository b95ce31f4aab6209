import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { Link, useLocation } from "wouter";
import { CheckoutPanel } from "../../features/checkout/components/checkout-panel.tsx";
import { orderKeys } from "../../features/orders/api/order-keys.ts";
import { useCreateOrder } from "../../features/purchase/api/create-order.ts";
import { newIdempotencyKey } from "../../features/purchase/lib/idempotency-key.ts";
import { showKeys } from "../../features/shows/api/show-keys.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";
import type { Order } from "../../types/api.ts";
import { OwnOrderGate, useOwnOrder } from "./own-order.tsx";

export function CheckoutRoute({ orderId }: { orderId: string }) {
  useDocumentTitle("Checkout");
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const own = useOwnOrder(orderId);
  const { customerId, order, show } = own;
  const showId = order.data?.showId;
  const { refetch } = order;

  const refreshShow = useCallback(
    (id: string) => {
      void queryClient.invalidateQueries({ queryKey: showKeys.availability(id) });
      void queryClient.invalidateQueries({ queryKey: showKeys.detail(id) });
    },
    [queryClient],
  );
  const keepOrder = useCallback(
    (changed: Order) => {
      if (customerId === null) return;
      queryClient.setQueryData(orderKeys.detail(customerId, changed.id), changed);
      void queryClient.invalidateQueries({ queryKey: orderKeys.mine(customerId) });
      refreshShow(changed.showId);
    },
    [customerId, queryClient, refreshShow],
  );
  const onRefresh = useCallback(() => {
    void refetch();
    if (showId) refreshShow(showId);
  }, [refetch, refreshShow, showId]);

  // A new purchase needs a new Idempotency-Key: the old one would hand back the order that expired.
  const createOrder = useCreateOrder();
  const buyAgain = () => {
    if (!order.data || createOrder.isPending) return;
    createOrder.mutate(
      { showId: order.data.showId, quantity: order.data.quantity, idempotencyKey: newIdempotencyKey() },
      {
        onSuccess: (created) => {
          keepOrder(created);
          navigate(created.status === "held" ? `/orders/${created.id}/checkout` : `/orders/${created.id}`);
        },
      },
    );
  };

  return (
    <OwnOrderGate
      own={own}
      signIn={{ title: "Sign in to pay", intro: "Sign in as the buyer who placed the order; your hold is kept." }}
    >
      {(current, buyer) => (
        <div className="narrow checkout-page">
          <p className="breadcrumb">
            <Link href={`/orders/${current.id}`}>← Order details</Link>
          </p>
          <CheckoutPanel
            order={current}
            customerId={buyer}
            showName={show.data?.name}
            showHref={`/shows/${current.showId}`}
            orderHref={`/orders/${current.id}`}
            onOrderChanged={keepOrder}
            onRefresh={onRefresh}
            buyAgain={{ start: buyAgain, pending: createOrder.isPending, error: createOrder.error }}
          />
        </div>
      )}
    </OwnOrderGate>
  );
}
