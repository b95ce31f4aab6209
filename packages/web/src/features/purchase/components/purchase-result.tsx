import { type ReactNode, type Ref, useEffect, useRef } from "react";
import { Link } from "wouter";
import { Spinner } from "../../../components/feedback.tsx";
import { HoldCountdown } from "../../../components/hold-countdown.tsx";
import { useCountdown } from "../../../lib/countdown.ts";
import { formatPrice, formatTickets } from "../../../lib/format.ts";
import { orderStatusLabel, orderStatusTone } from "../../../lib/order-status.ts";
import type { Order } from "../../../types/api.ts";
import type { PurchaseOutcome } from "../lib/purchase-outcome.ts";

type Props = {
  outcome: PurchaseOutcome;
  maxPerCustomer: number;
  onBuy: (quantity: number) => void;
  onRetry: () => void;
  onStartOver: () => void;
};

export function PurchaseResult({ outcome, maxPerCustomer, onBuy, onRetry, onStartOver }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const settled = outcome.kind !== "idle" && outcome.kind !== "in_progress";

  // Keyboard and screen reader users land on the answer, and on the action it offers next.
  useEffect(() => {
    if (settled) ref.current?.focus();
  }, [settled]);

  switch (outcome.kind) {
    case "idle":
    case "sign_in_needed": // the panel shows the sign-in form instead
      return null;
    case "in_progress":
      return (
        <div className="result result--progress">
          <Spinner
            label={
              outcome.retrying
                ? "The box office is busy, still trying… (safe: you'll only buy once)"
                : "Reserving your tickets…"
            }
          />
        </div>
      );
    case "success": {
      const { order } = outcome;
      return (
        <div ref={ref} tabIndex={-1} className="result result--success" data-testid="purchase-success">
          <h3 className="result__title">You're in! {formatTickets(order.quantity)} reserved.</h3>
          <dl className="result__facts">
            <div>
              <dt>Order</dt>
              <dd>
                <code data-testid="order-id">{order.id}</code>
              </dd>
            </div>
            <div>
              <dt>Quantity</dt>
              <dd>{order.quantity}</dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd>{formatPrice(order.priceCents * order.quantity)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <span className={`status status--${orderStatusTone(order.status)}`}>
                  {orderStatusLabel(order.status)}
                </span>
              </dd>
            </div>
          </dl>
          {order.status === "held" ? <HeldForPayment order={order} /> : null}
          <div className="result__actions">
            <Link
              href={`/orders/${order.id}`}
              className={order.status === "held" ? "button button--secondary" : "button button--primary"}
            >
              Track your order
            </Link>
            <button type="button" className="button button--ghost" onClick={onStartOver}>
              Buy more
            </button>
          </div>
        </div>
      );
    }
    case "sold_out":
      return (
        <Problem innerRef={ref} title="Sold out" tone="sold-out">
          <p>Every ticket for this show has been sold. Nothing was charged.</p>
        </Problem>
      );
    case "insufficient":
      return (
        <Problem innerRef={ref} title={`Only ${formatTickets(outcome.remaining)} left`}>
          <p>
            You asked for {outcome.requested}, but only {outcome.remaining} remain. Nothing was charged.
          </p>
          <button type="button" className="button button--primary" onClick={() => onBuy(outcome.remaining)}>
            Buy the {outcome.remaining} that {outcome.remaining === 1 ? "is" : "are"} left
          </button>
        </Problem>
      );
    case "limit_reached":
      return outcome.remaining > 0 ? (
        <Problem innerRef={ref} title="Over the per-customer limit">
          <p>
            Each customer may buy {maxPerCustomer} tickets for this show; you can buy {outcome.remaining} more.
          </p>
          <button type="button" className="button button--primary" onClick={() => onBuy(outcome.remaining)}>
            Buy {formatTickets(outcome.remaining)}
          </button>
        </Problem>
      ) : (
        <Problem innerRef={ref} title="Limit reached">
          <p>You already have the maximum of {maxPerCustomer} tickets for this show.</p>
        </Problem>
      );
    case "not_on_sale":
      return (
        <Problem innerRef={ref} title="Not on sale">
          <p>The sale for this show hasn't opened yet. This page updates by itself the moment it does.</p>
        </Problem>
      );
    case "trouble":
      return (
        <Problem innerRef={ref} title="We couldn't confirm your purchase">
          <p>{outcome.message}</p>
          <p className="result__note">
            Trying again is safe: it resends the same purchase, so you will never buy twice.
          </p>
          <div className="result__actions">
            <button type="button" className="button button--primary" onClick={onRetry}>
              Try again
            </button>
            <button type="button" className="button button--ghost" onClick={onStartOver}>
              Start over
            </button>
          </div>
        </Problem>
      );
    case "rejected":
      return (
        <Problem innerRef={ref} title="Your order was not accepted">
          <p>{outcome.message}</p>
          <button type="button" className="button button--secondary" onClick={onStartOver}>
            Start over
          </button>
        </Problem>
      );
  }
}

/** A priced show's tickets are held, not yet bought: the next step is paying, before the hold runs out. */
function HeldForPayment({ order }: { order: Order }) {
  const { msLeft, expired } = useCountdown(order.holdExpiresAt);
  if (expired) {
    return (
      <p className="notice notice--warning" data-testid="purchase-hold-expired">
        <strong>The hold ran out</strong> before payment, so these tickets went back on sale. Press Buy more to try
        again.
      </p>
    );
  }
  return (
    <div className="result__hold">
      <p>Held for you while you pay. Pay before the time runs out, or they go back on sale.</p>
      <p className="lifecycle__row">
        <HoldCountdown msLeft={msLeft} />
        <Link href={`/orders/${order.id}/checkout`} className="button button--primary">
          Pay now
        </Link>
      </p>
    </div>
  );
}

function Problem({
  title,
  tone = "warning",
  innerRef,
  children,
}: {
  title: string;
  tone?: "warning" | "sold-out";
  innerRef: Ref<HTMLDivElement>;
  children: ReactNode;
}) {
  return (
    <div ref={innerRef} tabIndex={-1} role="alert" className={`result result--${tone}`}>
      <h3 className="result__title">{title}</h3>
      {children}
    </div>
  );
}
