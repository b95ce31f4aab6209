import { formatDateTime, formatPrice, formatTickets } from "../../../lib/format.ts";
import type { Order } from "../../../types/api.ts";

export function OrderDetails({ order, showName }: { order: Order; showName?: string }) {
  const persisted = order.persisted;
  return (
    <article className="order card">
      <header className="order__header">
        <div>
          <p className="eyebrow">Order</p>
          <h1 className="order__id">
            <code>{order.id}</code>
          </h1>
          {showName ? <p className="order__show">{showName}</p> : null}
        </div>
        <p className="order__status">
          Status:{" "}
          <span className={`status status--${persisted ? "persisted" : "accepted"}`} data-testid="order-status">
            {persisted ? "Persisted" : "Accepted"}
          </span>
        </p>
      </header>

      <ol className="timeline" aria-label="Order progress">
        <li className="timeline__step timeline__step--done">
          <span className="timeline__dot" aria-hidden="true">
            ✓
          </span>
          <div>
            <strong>Accepted</strong>
            <p>Your {formatTickets(order.quantity)} are held for you. Nobody else can buy them.</p>
          </div>
        </li>
        <li
          className={persisted ? "timeline__step timeline__step--done" : "timeline__step timeline__step--current"}
          aria-current={persisted ? undefined : "step"}
        >
          <span className="timeline__dot" aria-hidden="true">
            {persisted ? "✓" : ""}
          </span>
          <div>
            <strong>Persisted</strong>
            <p>
              {persisted
                ? "Written to the order book. You're all set."
                : "Being written to the order book. This usually takes a few seconds; this page updates by itself."}
            </p>
          </div>
        </li>
      </ol>

      <dl className="facts">
        <div>
          <dt>Tickets</dt>
          <dd>{order.quantity}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>{formatPrice(order.priceCents * order.quantity)}</dd>
        </div>
        <div>
          <dt>Placed</dt>
          <dd>
            <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            <code>{order.customerId}</code>
          </dd>
        </div>
      </dl>
    </article>
  );
}
