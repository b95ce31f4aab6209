import type { Stripe, StripeElements } from "@stripe/stripe-js";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Spinner } from "../../../components/feedback.tsx";
import { formatPrice } from "../../../lib/format.ts";
import { loadStripeOnce, stripePublishableKey } from "../lib/stripe.ts";

const CONFIRMING_POLL_MS = 1_000;

type Props = {
  clientSecret: string | undefined;
  amountCents: number;
  /** Read the order again: Stripe authorized the card; its webhook confirms the order, then the API captures. */
  onRefresh: () => void;
};

type Ready = { stripe: Stripe; elements: StripeElements };

/** Stripe Elements' Payment Element for the order's PaymentIntent; the webhook, not this page, confirms the order. */
export function StripeCheckout({ clientSecret, amountCents, onRefresh }: Props) {
  const key = stripePublishableKey();
  const mountRef = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState<Ready | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [paying, setPaying] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [paid, setPaid] = useState(false);

  useEffect(() => {
    if (!key || !clientSecret) return;
    let cancelled = false;
    let unmount: (() => void) | undefined;
    loadStripeOnce(key).then(
      (stripe) => {
        if (cancelled) return;
        if (!stripe || !mountRef.current) {
          setLoadFailed(true);
          return;
        }
        const elements = stripe.elements({ clientSecret });
        const payment = elements.create("payment");
        payment.mount(mountRef.current);
        unmount = () => payment.destroy();
        setReady({ stripe, elements });
      },
      () => !cancelled && setLoadFailed(true),
    );
    return () => {
      cancelled = true;
      unmount?.();
    };
  }, [key, clientSecret]);

  // Authorized: the order turns confirmed when Stripe's webhook reaches the API, usually within seconds.
  useEffect(() => {
    if (!paid) return;
    onRefresh();
    const timer = setInterval(onRefresh, CONFIRMING_POLL_MS);
    return () => clearInterval(timer);
  }, [paid, onRefresh]);

  if (!key || !clientSecret) {
    return (
      <div className="notice notice--info" data-testid="stripe-checkout">
        <p>
          <strong>Stripe checkout</strong> is not set up on this storefront (no publishable key), so the card form can't
          be shown here. Your tickets stay held until the countdown ends; release them below if you won't be paying.
        </p>
      </div>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || paying) return;
    setPaying(true);
    setProblem(null);
    const result = await ready.stripe.confirmPayment({
      elements: ready.elements,
      redirect: "if_required",
      confirmParams: { return_url: window.location.href },
    });
    setPaying(false);
    if (result.error) setProblem(result.error.message ?? "The payment didn't go through.");
    else setPaid(true);
  };

  return (
    <form className="test-card" onSubmit={submit} aria-labelledby="stripe-title" data-testid="stripe-checkout">
      <h3 id="stripe-title" className="test-card__title">
        Pay by card
      </h3>
      <div ref={mountRef} className="stripe-element" />
      {loadFailed ? (
        <p className="notice notice--error" role="alert">
          <strong>Couldn't load Stripe's card form.</strong> Check your connection and reload the page; your tickets
          stay held meanwhile.
        </p>
      ) : !ready ? (
        <Spinner label="Loading the card form…" />
      ) : null}
      {problem ? (
        <p className="notice notice--error" role="alert">
          <strong>The payment didn't go through.</strong> {problem} Your tickets are still held.
        </p>
      ) : null}
      {paid ? (
        <Spinner label="Payment received: confirming your order…" />
      ) : (
        <button type="submit" className="button button--primary button--large" disabled={!ready || paying}>
          {paying ? "Paying…" : `Pay ${formatPrice(amountCents)}`}
        </button>
      )}
    </form>
  );
}
