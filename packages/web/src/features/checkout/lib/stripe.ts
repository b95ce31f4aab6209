import type { Stripe } from "@stripe/stripe-js";

/** Build-time VITE_STRIPE_PUBLISHABLE_KEY wins, then the runtime value from /config.js; none: Stripe isn't set up. */
export function stripePublishableKey(): string | undefined {
  const key =
    import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY || (typeof window === "undefined" ? "" : window.__HOTSEAT_STRIPE_KEY__);
  return key || undefined;
}

const loaded = new Map<string, Promise<Stripe | null>>();

/**
 * Stripe.js, loaded once per key and only when a Stripe checkout is shown (the `pure` entry adds no script tag at
 * import), so a test-provider storefront never fetches it.
 */
export function loadStripeOnce(key: string): Promise<Stripe | null> {
  let stripe = loaded.get(key);
  if (!stripe) {
    stripe = import("@stripe/stripe-js/pure").then((m) => m.loadStripe(key));
    // A failed load (offline, blocked) is tried again next time instead of remembered.
    stripe.catch(() => loaded.delete(key));
    loaded.set(key, stripe);
  }
  return stripe;
}
