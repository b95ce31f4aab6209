import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { LoadError, NotFound, Spinner } from "../../components/feedback.tsx";
import { useOrder } from "../../features/orders/api/get-order.ts";
import { OrderDetails } from "../../features/orders/components/order-details.tsx";
import { showQueryOptions } from "../../features/shows/api/get-show.ts";
import { isApiError } from "../../lib/api-client.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

export function OrderRoute({ orderId }: { orderId: string }) {
  useDocumentTitle("Your order");
  const order = useOrder(orderId);
  const showId = order.data?.showId;
  const show = useQuery({ ...showQueryOptions(showId ?? ""), enabled: showId !== undefined });

  if (order.isPending) return <Spinner label="Loading your order…" />;
  if (order.isError) {
    if (isApiError(order.error) && order.error.code === "order_not_found") {
      return (
        <NotFound title="Order not found">
          <p>
            Check the order id, or <Link href="/">browse shows</Link>.
          </p>
        </NotFound>
      );
    }
    return <LoadError error={order.error} what="your order" onRetry={() => order.refetch()} />;
  }

  return (
    <div className="order-page">
      <p className="breadcrumb">
        <Link href={`/shows/${order.data.showId}`}>← Back to the show</Link>
      </p>
      <OrderDetails order={order.data} showName={show.data?.name} />
    </div>
  );
}
