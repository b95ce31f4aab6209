import { Link } from "wouter";
import { formatDateTime, formatPrice, formatTickets } from "../../../lib/format.ts";
import { orderStatusLabel, orderStatusTone } from "../../../lib/order-status.ts";
import type { Order } from "../../../types/api.ts";

type Props = {
  orders: Order[];
  /** Show names by id, where the page knows them; an order of an unknown show shows its id. */
  showNames?: ReadonlyMap<string, string>;
};

export function OrderList({ orders, showNames }: Props) {
  if (orders.length === 0) {
    return (
      <div className="empty">
        <p>You haven't bought any tickets yet.</p>
        <p>
          <Link href="/">See what's on</Link>
        </p>
      </div>
    );
  }
  return (
    <ul className="order-list" aria-label="Your orders">
      {orders.map((order) => {
        const show = showNames?.get(order.showId);
        return (
          <li key={order.id} className="card order-list__item" data-testid="my-order">
            <div>
              <p className="order-list__show">{show ?? <code>{order.showId}</code>}</p>
              <p className="muted">
                {formatTickets(order.quantity)} · {formatPrice(order.priceCents * order.quantity)} ·{" "}
                <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time>
              </p>
            </div>
            <span className={`status status--${orderStatusTone(order.status)}`}>{orderStatusLabel(order.status)}</span>
            <Link
              href={`/orders/${order.id}`}
              className="button button--secondary button--small"
              aria-label={`View order ${order.id}${show ? ` for ${show}` : ""}`}
            >
              View order
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
