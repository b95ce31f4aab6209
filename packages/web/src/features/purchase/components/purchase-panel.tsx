import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { formatPrice } from "../../../lib/format.ts";
import type { Order } from "../../../types/api.ts";
import { usePurchase } from "../lib/use-purchase.ts";
import { PurchaseResult } from "./purchase-result.tsx";
import { QuantityPicker } from "./quantity-picker.tsx";

const API_MAX_QUANTITY = 100;

type Props = {
  showId: string;
  /** The signed-in buyer, or null: Buy then asks them to sign in first, and the purchase continues after. */
  customerId: string | null;
  /** The sign-in form, shown in the panel when a signed-out buyer presses Buy (or the API refuses their token). */
  signIn: ReactNode;
  priceCents: number;
  maxPerCustomer: number;
  remaining: number;
  soldOut: boolean;
  onSale: boolean;
  /** Called after every answer, so the page can refresh what it shows about availability. */
  onSettled?: (order: Order | undefined, error: unknown) => void;
};

export function PurchasePanel(props: Props) {
  const { showId, customerId, signIn, priceCents, maxPerCustomer, remaining, soldOut, onSale, onSettled } = props;
  const { outcome, buy, startOver, isPending } = usePurchase({ showId, customerId, onSettled });
  const [wanted, setWanted] = useState(1);
  // The quantity a signed-out buyer pressed Buy for; bought as soon as they are signed in.
  const [waiting, setWaiting] = useState<number | null>(null);
  const awaitingSignIn = waiting ?? (outcome.kind === "sign_in_needed" ? outcome.requested : null);

  useEffect(() => {
    if (customerId === null || awaitingSignIn === null) return;
    setWaiting(null);
    buy(awaitingSignIn);
  }, [customerId, awaitingSignIn, buy]);

  const max = Math.max(1, Math.min(maxPerCustomer, API_MAX_QUANTITY, remaining > 0 ? remaining : maxPerCustomer));
  const quantity = Math.min(wanted, max);
  const awaitingRetry = outcome.kind === "trouble";
  const finished = outcome.kind === "success";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (customerId === null) setWaiting(quantity);
    else if (awaitingRetry) buy(outcome.requested);
    else buy(quantity);
  };

  const cancelSignIn = () => {
    setWaiting(null);
    startOver();
  };

  const buyInstead = (n: number) => {
    setWanted(n);
    buy(n);
  };

  // Nothing left, but not sold out: every ticket is held by someone paying, and unpaid ones come back.
  const allHeld = onSale && !soldOut && remaining <= 0;
  const showForm = onSale && !soldOut && !allHeld && !finished;

  return (
    <section className="purchase" aria-labelledby="purchase-heading">
      <h2 id="purchase-heading" className="purchase__heading">
        Buy tickets
      </h2>
      {!onSale ? (
        <p className="notice notice--info">
          The sale hasn't opened yet. Keep this page open: it updates by itself the moment tickets go on sale.
        </p>
      ) : null}
      {onSale && soldOut && outcome.kind !== "success" && outcome.kind !== "sold_out" ? (
        <p className="notice notice--sold-out" data-testid="sold-out-notice">
          <strong>Sold out.</strong> Every ticket for this show has been sold.
        </p>
      ) : null}
      {allHeld && !finished ? (
        <p className="notice notice--info" data-testid="all-held-notice">
          <strong>Every ticket is held</strong> by buyers who are paying right now. Any not paid for in time come back
          on sale: keep this page open, it updates by itself.
        </p>
      ) : null}
      {showForm ? (
        <form className="purchase__form" onSubmit={submit} aria-busy={isPending}>
          <QuantityPicker
            value={awaitingRetry ? outcome.requested : quantity}
            max={max}
            onChange={(n) => {
              setWanted(n);
              if (awaitingSignIn !== null) setWaiting(n);
              if (outcome.kind !== "in_progress" && outcome.kind !== "idle") startOver();
            }}
            disabled={isPending || awaitingRetry}
            hint={`Limit ${maxPerCustomer} per customer`}
          />
          <p className="purchase__total">
            Total <strong>{formatPrice(priceCents * (awaitingRetry ? outcome.requested : quantity))}</strong>
          </p>
          {awaitingRetry || (awaitingSignIn !== null && customerId === null) ? null : (
            <button type="submit" className="button button--primary button--large" disabled={isPending}>
              {isPending ? "Buying…" : `Buy ${quantity === 1 ? "1 ticket" : `${quantity} tickets`}`}
            </button>
          )}
          {customerId === null && awaitingSignIn === null ? (
            <p className="purchase__note muted">You'll sign in with your email first; it takes a minute.</p>
          ) : null}
        </form>
      ) : null}
      {showForm && customerId === null && awaitingSignIn !== null ? (
        <div className="purchase__sign-in" data-testid="purchase-sign-in">
          {signIn}
          <button type="button" className="button button--ghost button--small" onClick={cancelSignIn}>
            Cancel
          </button>
        </div>
      ) : null}
      <div aria-live="polite" className="purchase__result">
        <PurchaseResult
          outcome={outcome}
          maxPerCustomer={maxPerCustomer}
          onBuy={buyInstead}
          onRetry={() => awaitingRetry && buy(outcome.requested)}
          onStartOver={startOver}
        />
      </div>
    </section>
  );
}
