import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { formatPrice } from "../../../lib/format.ts";
import type { Order } from "../../../types/api.ts";
import { usePayWithTestCard } from "../api/pay-with-test-card.ts";
import { type CheckoutProblem, checkoutProblem } from "../lib/checkout-errors.ts";

// The test provider's cards (DESIGN.md, "Checkout"), named as Stripe's test mode names them.
export const TEST_CARD_PAYS = "4242424242424242";
export const TEST_CARD_DECLINES = "4000000000000002";

type Props = {
  order: Order;
  amountCents: number;
  onPaid: (order: Order) => void;
  /** Paying found the order no longer payable: the hold ran out, or it changed elsewhere. */
  onProblem: (problem: CheckoutProblem) => void;
};

export function TestCardForm({ order, amountCents, onPaid, onProblem }: Props) {
  const id = useId();
  const [card, setCard] = useState(TEST_CARD_PAYS);
  const pay = usePayWithTestCard({ onSuccess: onPaid });
  const problem = pay.isError ? checkoutProblem(pay.error) : null;
  const alertRef = useRef<HTMLDivElement>(null);

  // Each refusal takes focus, so a keyboard or screen reader user hears it (also the second decline in a row).
  const refusedAt = pay.isError ? pay.submittedAt : 0;
  useEffect(() => {
    if (refusedAt) alertRef.current?.focus();
  }, [refusedAt]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pay.isPending) return;
    pay.mutate(
      { orderId: order.id, card: card.replace(/[\s-]/g, "") },
      {
        onError: (error) => {
          const found = checkoutProblem(error);
          if (found.kind === "hold_expired" || found.kind === "changed") onProblem(found);
        },
      },
    );
  };

  return (
    <form className="test-card" onSubmit={submit} aria-labelledby={`${id}-title`} aria-busy={pay.isPending}>
      <h3 id={`${id}-title`} className="test-card__title">
        Pay by card
      </h3>
      <p className="notice notice--test" data-testid="test-payments-notice">
        <strong>Test payments: no money moves.</strong> This box office uses the test provider.
      </p>
      <div className="field">
        <label htmlFor={`${id}-card`}>Card number</label>
        <input
          id={`${id}-card`}
          inputMode="numeric"
          autoComplete="off"
          required
          pattern="[\d\s\-]{12,23}"
          value={card}
          onChange={(event) => {
            setCard(event.target.value);
            if (pay.isError) pay.reset();
          }}
          aria-describedby={`${id}-hint`}
          aria-invalid={problem?.kind === "declined" || undefined}
        />
        <p id={`${id}-hint`} className="field__hint">
          Test cards: <code>4242 4242 4242 4242</code> pays, <code>4000 0000 0000 0002</code> is declined.
        </p>
      </div>
      {problem && (problem.kind === "declined" || problem.kind === "trouble" || problem.kind === "refused") ? (
        <div ref={alertRef} tabIndex={-1} role="alert" className="notice notice--error" data-testid="payment-problem">
          {problem.kind === "declined" ? (
            <p>
              <strong>Your card was declined.</strong> Nothing was charged and your tickets are still held: try another
              card before the hold runs out.
            </p>
          ) : problem.kind === "trouble" ? (
            <p>
              <strong>We couldn't confirm the payment.</strong> {problem.message} Paying again is safe: an order is paid
              once.
            </p>
          ) : (
            <p>
              <strong>The payment was refused.</strong> {problem.message}
            </p>
          )}
        </div>
      ) : null}
      <button type="submit" className="button button--primary button--large" disabled={pay.isPending}>
        {pay.isPending ? "Paying…" : `Pay ${formatPrice(amountCents)}`}
      </button>
    </form>
  );
}
