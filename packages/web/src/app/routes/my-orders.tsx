import { useMemo } from "react";
import { LoadError, Spinner } from "../../components/feedback.tsx";
import { SignInForm } from "../../features/auth/components/sign-in-form.tsx";
import { useMyOrders } from "../../features/orders/api/get-my-orders.ts";
import { OrderList } from "../../features/orders/components/order-list.tsx";
import { useShows } from "../../features/shows/api/get-shows.ts";
import { useSession } from "../../lib/session.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

export function MyOrdersRoute() {
  useDocumentTitle("My orders");
  const session = useSession();
  const orders = useMyOrders(session?.customerId ?? null);
  // Names for the orders' shows, where the list of shows on sale has them.
  const shows = useShows();
  const showNames = useMemo(() => new Map((shows.data ?? []).map((show) => [show.id, show.name])), [shows.data]);

  if (!session) {
    return (
      <div className="narrow">
        <SignInForm title="Sign in to see your orders" />
      </div>
    );
  }

  return (
    <>
      <section className="page-hero">
        <h1>My orders</h1>
        <p className="muted">
          Signed in as <strong>{session.email}</strong>. Newest first.
        </p>
      </section>
      {orders.isPending ? (
        <Spinner label="Loading your orders…" />
      ) : orders.isError ? (
        <LoadError error={orders.error} what="your orders" onRetry={() => orders.refetch()} />
      ) : (
        <OrderList orders={orders.data} showNames={showNames} />
      )}
    </>
  );
}
