import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { LoadError, NotFound, Spinner } from "../../components/feedback.tsx";
import { SignInForm } from "../../features/auth/components/sign-in-form.tsx";
import { useOrder } from "../../features/orders/api/get-order.ts";
import { OrderDetails } from "../../features/orders/components/order-details.tsx";
import { showQueryOptions } from "../../features/shows/api/get-show.ts";
import { isApiError } from "../../lib/api-client.ts";
import { useAtDeadline } from "../../lib/countdown.ts";
import { useSession } from "../../lib/session.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

export function OrderRoute({ orderId }: { orderId: string }) {
  useDocumentTitle("Your order");
  const customerId = useSession()?.customerId ?? null;
  const order = useOrder(customerId, orderId);
  const showId = order.data?.showId;
  const show = useQuery({ ...showQueryOptions(showId ?? ""), enabled: showId !== undefined });
  // At a held order's deadline, ask again at once: the space expires it within a second.
  useAtDeadline(order.data?.status === "held" ? order.data.holdExpiresAt : undefined, order.refetch);

  if (customerId === null) {
    return (
      <div className="narrow">
        <SignInForm title="Sign in to see this order" intro="Orders are private: sign in as the buyer who placed it." />
      </div>
    );
  }
  if (order.isPending) return <Spinner label="Loading your order…" />;
  if (order.isError) {
    if (isApiError(order.error) && order.error.code === "order_not_found") {
      return (
        <NotFound title="Order not found">
          <p>
            It may belong to another buyer. See <Link href="/me/orders">your orders</Link>, or{" "}
            <Link href="/">browse shows</Link>.
          </p>
        </NotFound>
      );
    }
    return <LoadError error={order.error} what="your order" onRetry={() => order.refetch()} />;
  }

  const showHref = `/shows/${order.data.showId}`;
  return (
    <div className="order-page">
      <p className="breadcrumb">
        <Link href={showHref}>← Back to the show</Link>
      </p>
      <OrderDetails
        order={order.data}
        showName={show.data?.name}
        checkoutHref={`/orders/${order.data.id}/checkout`}
        showHref={showHref}
      />
    </div>
  );
}
