import { Link } from "wouter";
import { HoldCountdown } from "../../../components/hold-countdown.tsx";
import { useCountdown } from "../../../lib/countdown.ts";
import { formatDateTime, formatPrice, formatTickets, formatTime } from "../../../lib/format.ts";
import { orderStatusLabel, orderStatusTone, wasAuthorizedLate, wasPaidLate } from "../../../lib/order-status.ts";
import type { Order } from "../../../types/api.ts";

type Props = {
  order: Order;
  showName?: string;
  /** Where a held order is paid. */
  checkoutHref: string;
  showHref: string;
};

export function OrderDetails({ order, showName, checkoutHref, showHref }: Props) {
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
          <span className={`status status--${orderStatusTone(order.status)}`} data-testid="order-status">
            {orderStatusLabel(order.status)}
          </span>
        </p>
      </header>

      <OrderLifecycle order={order} checkoutHref={checkoutHref} showHref={showHref} />

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
          <dt>Order book</dt>
          <dd>
            <span data-testid="order-persisted">{order.persisted ? "Persisted" : "Saving…"}</span>
          </dd>
        </div>
      </dl>
      <p className="muted order__persisted-note">
        {order.persisted
          ? "The order book holds this order's latest status."
          : "Being written to the order book. This usually takes a few seconds; this page updates by itself."}
      </p>
    </article>
  );
}

function OrderLifecycle({ order, checkoutHref, showHref }: Omit<Props, "showName">) {
  const tickets = formatTickets(order.quantity);
  const lateRefund = wasPaidLate(order) ? (
    <p className="notice notice--info" data-testid="late-payment-refunded">
      <strong>Your payment arrived after the hold had run out</strong>, so it was refunded in full and no tickets were
      taken. Nothing is owed.
    </p>
  ) : wasAuthorizedLate(order) ? (
    <p className="notice notice--info" data-testid="late-payment-released">
      <strong>Your payment came after the hold had run out</strong>, so it was never charged: your bank releases the
      amount it reserved, and no tickets were taken.
    </p>
  ) : null;

  switch (order.status) {
    case "held":
      return <HeldNotice order={order} checkoutHref={checkoutHref} />;
    case "confirmed":
      return (
        <div className="notice notice--success lifecycle">
          <p>
            <strong>Confirmed.</strong>{" "}
            {order.priceCents === 0
              ? `Your ${tickets} are yours: this show is free.`
              : `Paid. Your ${tickets} are yours.`}
          </p>
        </div>
      );
    case "expired":
      return (
        <div className="notice notice--info lifecycle">
          <p>
            <strong>The hold ran out</strong> before it was paid, so the {tickets} went back on sale. Nothing was
            charged. <Link href={showHref}>Back to the show</Link> to buy again.
          </p>
          {lateRefund}
        </div>
      );
    case "cancelled":
      return (
        <div className="notice notice--info lifecycle">
          <p>
            <strong>You released these tickets.</strong> They went back on sale at once. Nothing was charged.
          </p>
          {lateRefund}
        </div>
      );
    case "refunded":
      return (
        <div className="notice notice--info lifecycle">
          <p>
            <strong>Refunded.</strong> The money for these {tickets} went back to you and they are on sale again.
          </p>
          {lateRefund}
        </div>
      );
  }
}

function HeldNotice({ order, checkoutHref }: { order: Order; checkoutHref: string }) {
  const { msLeft, expired } = useCountdown(order.holdExpiresAt);
  return (
    <div className="notice notice--warning lifecycle" data-testid="held-notice">
      {expired ? (
        <p>
          <strong>The hold has run out.</strong> Checking with the box office…
        </p>
      ) : (
        <>
          <p>
            <strong>Your {formatTickets(order.quantity)} are held</strong> until{" "}
            {order.holdExpiresAt ? <time dateTime={order.holdExpiresAt}>{formatTime(order.holdExpiresAt)}</time> : null}
            . Pay before then, or they go back on sale.
          </p>
          <p className="lifecycle__row">
            <HoldCountdown msLeft={msLeft} />
            <Link href={checkoutHref} className="button button--primary">
              Pay now
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
