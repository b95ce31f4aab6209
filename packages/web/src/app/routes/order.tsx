import { Link } from "wouter";
import { OrderDetails } from "../../features/orders/components/order-details.tsx";
import { useDocumentTitle } from "../../lib/use-document-title.ts";
import { OwnOrderGate, useOwnOrder } from "./own-order.tsx";

export function OrderRoute({ orderId }: { orderId: string }) {
  useDocumentTitle("Your order");
  const own = useOwnOrder(orderId);
  return (
    <OwnOrderGate
      own={own}
      signIn={{ title: "Sign in to see this order", intro: "Orders are private: sign in as the buyer who placed it." }}
    >
      {(order) => {
        const showHref = `/shows/${order.showId}`;
        return (
          <div className="order-page">
            <p className="breadcrumb">
              <Link href={showHref}>← Back to the show</Link>
            </p>
            <OrderDetails
              order={order}
              showName={own.show.data?.name}
              checkoutHref={`/orders/${order.id}/checkout`}
              showHref={showHref}
            />
          </div>
        );
      }}
    </OwnOrderGate>
  );
}
