import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { Link, useLocation } from "wouter";
import { LoadError, NotFound, Spinner } from "../../components/feedback.tsx";
import { SignInForm } from "../../features/auth/components/sign-in-form.tsx";
import { CheckoutPanel } from "../../features/checkout/components/checkout-panel.tsx";
import { useOrder } from "../../features/orders/api/get-order.ts";
import { orderKeys } from "../../features/orders/api/order-keys.ts";
import { useCreateOrder } from "../../features/purchase/api/create-order.ts";
import { newIdempotencyKey } from "../../features/purchase/lib/idempotency-key.ts";
import { showQueryOptions } from "../../features/shows/api/get-show.ts";
import { showKeys } from "../../features/shows/api/show-keys.ts";
import { isApiError } from "../../lib/api-client.ts";
import { useAtDeadline } from "../../lib/countdown.ts";
import { useSession } from "../../lib/session.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";
import type { Order } from "../../types/api.ts";

export function CheckoutRoute({ orderId }: { orderId: string }) {
  useDocumentTitle("Checkout");
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const customerId = useSession()?.customerId ?? null;
  const order = useOrder(customerId, orderId);
  const showId = order.data?.showId;
  const show = useQuery({ ...showQueryOptions(showId ?? ""), enabled: showId !== undefined });
  const { refetch } = order;
  // At the deadline, ask again at once: the space expires a lapsed hold within a second.
  useAtDeadline(order.data?.status === "held" ? order.data.holdExpiresAt : undefined, refetch);

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

  if (customerId === null) {
    return (
      <div className="narrow">
        <SignInForm title="Sign in to pay" intro="Sign in as the buyer who placed the order; your hold is kept." />
      </div>
    );
  }
  if (order.isPending) return <Spinner label="Loading your order…" />;
  if (order.isError) {
    if (isApiError(order.error) && order.error.code === "order_not_found") {
      return (
        <NotFound title="Order not found">
          <p>
            It may belong to another buyer. See <Link href="/me/orders">your orders</Link>.
          </p>
        </NotFound>
      );
    }
    return <LoadError error={order.error} what="your order" onRetry={() => order.refetch()} />;
  }

  return (
    <div className="narrow checkout-page">
      <p className="breadcrumb">
        <Link href={`/orders/${order.data.id}`}>← Order details</Link>
      </p>
      <CheckoutPanel
        order={order.data}
        customerId={customerId}
        showName={show.data?.name}
        showHref={`/shows/${order.data.showId}`}
        orderHref={`/orders/${order.data.id}`}
        onOrderChanged={keepOrder}
        onRefresh={onRefresh}
        buyAgain={{ start: buyAgain, pending: createOrder.isPending, error: createOrder.error }}
      />
    </div>
  );
}
