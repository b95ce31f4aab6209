import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "wouter";
import { LoadError, NotFound, Spinner } from "../../components/feedback.tsx";
import { SignInForm } from "../../features/auth/components/sign-in-form.tsx";
import { useOrder } from "../../features/orders/api/get-order.ts";
import { showQueryOptions } from "../../features/shows/api/get-show.ts";
import { isApiError } from "../../lib/api-client.ts";
import { useAtDeadline } from "../../lib/countdown.ts";
import { useSession } from "../../lib/session.ts";
import type { Order } from "../../types/api.ts";

/**
 * The signed-in buyer's order and its show, for the pages about one order (the order and its
 * checkout). At a held order's deadline it asks again at once: the space expires it within a second.
 */
export function useOwnOrder(orderId: string) {
  const customerId = useSession()?.customerId ?? null;
  const order = useOrder(customerId, orderId);
  const showId = order.data?.showId;
  const show = useQuery({ ...showQueryOptions(showId ?? ""), enabled: showId !== undefined });
  useAtDeadline(order.data?.status === "held" ? order.data.holdExpiresAt : undefined, order.refetch);
  return { customerId, order, show };
}

/**
 * What those pages show before the order is theirs to show: sign-in (orders are private), loading,
 * "not found" (also another buyer's order), or the error; then `children` with the order.
 */
export function OwnOrderGate({
  own: { customerId, order },
  signIn,
  children,
}: {
  own: ReturnType<typeof useOwnOrder>;
  signIn: { title: string; intro: string };
  children: (order: Order, customerId: string) => ReactNode;
}) {
  if (customerId === null) {
    return (
      <div className="narrow">
        <SignInForm title={signIn.title} intro={signIn.intro} />
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
  return children(order.data, customerId);
}
