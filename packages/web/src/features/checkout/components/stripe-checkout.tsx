/**
 * Where Stripe Elements would go. Not wired: it would load Stripe's script from js.stripe.com, which this
 * storefront's Content-Security-Policy (scripts from its own origin only) refuses, and nothing here can test it.
 */
export function StripeCheckout() {
  return (
    <div className="notice notice--info" data-testid="stripe-checkout">
      <p>
        <strong>Stripe checkout</strong> is not wired into this storefront yet, so the card form can't be shown here.
        Your tickets stay held until the countdown ends; release them below if you won't be paying.
      </p>
    </div>
  );
}
