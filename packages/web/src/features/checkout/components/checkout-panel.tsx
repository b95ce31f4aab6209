import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from "react";
import { Link } from "wouter";
import { LoadError, Spinner } from "../../../components/feedback.tsx";
import { HoldCountdown } from "../../../components/hold-countdown.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { useCountdown } from "../../../lib/countdown.ts";
import { formatPrice, formatTickets, formatTime } from "../../../lib/format.ts";
import type { Order } from "../../../types/api.ts";
import { useCancelOrder } from "../api/cancel-order.ts";
import { useCheckoutSession } from "../api/start-checkout.ts";
import { type CheckoutProblem, checkoutProblem } from "../lib/checkout-errors.ts";
import { StripeCheckout } from "./stripe-checkout.tsx";
import { TestCardForm } from "./test-card-form.tsx";

type Props = {
  order: Order;
  customerId: string;
  showName?: string;
  showHref: string;
  orderHref: string;
  /** The API answered the order's new state (paid, released): the page keeps it. */
  onOrderChanged: (order: Order) => void;
  /** Read the order again: it changed in a way this panel only learned of from an error. */
  onRefresh: () => void;
  /** A new purchase of the same tickets, after the hold ran out or was released (the page makes it). */
  buyAgain: { start: () => void; pending: boolean; error: unknown };
};

export function CheckoutPanel(props: Props) {
  const { order, customerId, onRefresh } = props;
  const { msLeft, expired } = useCountdown(order.holdExpiresAt);
  // Learned from the API before the order itself says so (the space expires a lapsed hold within a second).
  const [expiredByApi, setExpiredByApi] = useState(false);
  const held = order.status === "held";
  const lapsed = order.status === "expired" || (held && (expired || expiredByApi));
  const session = useCheckoutSession(customerId, order.id, held && !lapsed);
  const sessionProblem = session.isError ? checkoutProblem(session.error) : null;

  const onProblem = useCallback(
    (problem: CheckoutProblem) => {
      if (problem.kind === "hold_expired") setExpiredByApi(true);
      onRefresh();
    },
    [onRefresh],
  );
  const sessionError = session.error;
  useEffect(() => {
    if (!sessionError) return;
    const found = checkoutProblem(sessionError);
    if (found.kind === "hold_expired" || found.kind === "changed") onProblem(found);
  }, [sessionError, onProblem]);

  if (lapsed) return <HoldExpired {...props} />;
  if (order.status === "confirmed") return <Confirmed {...props} />;
  if (order.status === "cancelled") return <Released {...props} />;
  if (order.status === "refunded") {
    return (
      <Outcome title="This order was refunded" tone="info" testId="checkout-refunded">
        <p>
          Nothing is left to pay. <Link href={props.orderHref}>See the order</Link>.
        </p>
      </Outcome>
    );
  }

  const amountCents = session.data?.amountCents ?? order.priceCents * order.quantity;
  return (
    <section className="checkout card" aria-labelledby="checkout-heading" data-testid="checkout">
      <h1 id="checkout-heading" className="checkout__heading">
        Checkout
      </h1>
      <p className="checkout__summary">
        {formatTickets(order.quantity)}
        {props.showName ? ` for ${props.showName}` : ""} · <strong>{formatPrice(amountCents)}</strong>
      </p>
      <div className="checkout__hold">
        <HoldCountdown msLeft={msLeft} />
        <p className="muted">
          Held for you until{" "}
          {order.holdExpiresAt ? <time dateTime={order.holdExpiresAt}>{formatTime(order.holdExpiresAt)}</time> : null}.
          Nobody else can buy these tickets until then; after that they go back on sale.
        </p>
      </div>

      {session.isPending ? (
        <Spinner label="Preparing your payment…" />
      ) : sessionProblem ? (
        sessionProblem.kind === "hold_expired" || sessionProblem.kind === "changed" ? (
          <Spinner label="Checking your order…" />
        ) : (
          <LoadError error={session.error} what="the payment" onRetry={() => session.refetch()} />
        )
      ) : session.data?.provider === "stripe" ? (
        <StripeCheckout clientSecret={session.data.clientSecret} amountCents={amountCents} onRefresh={onRefresh} />
      ) : (
        <TestCardForm order={order} amountCents={amountCents} onPaid={props.onOrderChanged} onProblem={onProblem} />
      )}

      <ReleaseTickets order={order} onReleased={props.onOrderChanged} onProblem={onProblem} />
    </section>
  );
}

function ReleaseTickets({
  order,
  onReleased,
  onProblem,
}: {
  order: Order;
  onReleased: (order: Order) => void;
  onProblem: (problem: CheckoutProblem) => void;
}) {
  const hintId = useId();
  const cancel = useCancelOrder({ onSuccess: onReleased });
  const problem = cancel.isError ? checkoutProblem(cancel.error) : null;
  return (
    <div className="checkout__release">
      <button
        type="button"
        className="button button--ghost"
        disabled={cancel.isPending}
        aria-describedby={hintId}
        onClick={() =>
          cancel.mutate(order.id, {
            onError: (error) => {
              const found = checkoutProblem(error);
              if (found.kind === "hold_expired" || found.kind === "changed") onProblem(found);
            },
          })
        }
      >
        {cancel.isPending ? "Releasing…" : "Release tickets"}
      </button>
      <p id={hintId} className="field__hint">
        Not going after all? Releasing puts the {formatTickets(order.quantity)} back on sale at once.
      </p>
      {problem && (problem.kind === "trouble" || problem.kind === "refused") ? (
        <p className="notice notice--error" role="alert">
          <strong>Couldn't release the tickets.</strong> {problem.message}
        </p>
      ) : null}
    </div>
  );
}

function HoldExpired({ order, showHref, buyAgain }: Props) {
  return (
    <Outcome title="Your hold expired" tone="warning" testId="checkout-expired">
      <p>The time to pay ran out, so the {formatTickets(order.quantity)} went back on sale. Nothing was charged.</p>
      <BuyAgain quantity={order.quantity} buyAgain={buyAgain} showHref={showHref} />
    </Outcome>
  );
}

function Released({ order, showHref, buyAgain }: Props) {
  return (
    <Outcome title="Tickets released" tone="info" testId="checkout-released">
      <p>The {formatTickets(order.quantity)} are back on sale for others. Nothing was charged.</p>
      <BuyAgain quantity={order.quantity} buyAgain={buyAgain} showHref={showHref} />
    </Outcome>
  );
}

function Confirmed({ order, orderHref }: Props) {
  return (
    <Outcome title="Payment received: you're going!" tone="success" testId="checkout-confirmed">
      <p>
        Your {formatTickets(order.quantity)} are confirmed and paid ({formatPrice(order.priceCents * order.quantity)}
        ).
      </p>
      <p>
        <Link href={orderHref} className="button button--primary">
          View your order
        </Link>
      </p>
    </Outcome>
  );
}

function BuyAgain({
  quantity,
  buyAgain,
  showHref,
}: {
  quantity: number;
  buyAgain: Props["buyAgain"];
  showHref: string;
}) {
  return (
    <>
      {buyAgain.error ? (
        <p className="notice notice--error" role="alert">
          <strong>Couldn't buy them again.</strong>{" "}
          {isApiError(buyAgain.error) ? buyAgain.error.message : "Something unexpected happened."}
        </p>
      ) : null}
      <div className="result__actions">
        <button type="button" className="button button--primary" onClick={buyAgain.start} disabled={buyAgain.pending}>
          {buyAgain.pending ? "Buying…" : `Buy ${formatTickets(quantity)} again`}
        </button>
        <Link href={showHref} className="button button--ghost">
          Back to the show
        </Link>
      </div>
    </>
  );
}

function Outcome({
  title,
  tone,
  testId,
  children,
}: {
  title: string;
  tone: "success" | "warning" | "info";
  testId: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLElement>(null);
  // The page changed under the buyer (paid, expired, released): move them to what it says now.
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section
      ref={ref}
      tabIndex={-1}
      className={`checkout card result result--${tone}`}
      aria-labelledby={`${testId}-title`}
      data-testid={testId}
    >
      <h1 id={`${testId}-title`} className="result__title">
        {title}
      </h1>
      {children}
    </section>
  );
}
