import { isProductionStage } from "./stage";

/**
 * How buyers pay. `test` is the test provider (card 4242… pays, no money moves): right for dev and
 * staging stages, and never the default where real sales run, since anyone could confirm with it.
 * Choose per deploy with HOTSEAT_PAYMENTS=test|stripe (and HOTSEAT_CURRENCY, default usd).
 */
const provider = process.env.HOTSEAT_PAYMENTS || (isProductionStage($app.stage) ? "stripe" : "test");
if (provider !== "test" && provider !== "stripe")
  throw new Error(`HOTSEAT_PAYMENTS must be test or stripe, got "${provider}"`);
export const paymentsProvider = provider;

export const payments = new sst.Linkable("Payments", {
  properties: { provider, currency: process.env.HOTSEAT_CURRENCY || "usd" },
});

/** Stripe's API key and the webhook endpoint's signing secret: `sst secret set StripeSecretKey sk_live_…`. */
export const stripeSecrets =
  provider === "stripe" ? [new sst.Secret("StripeSecretKey"), new sst.Secret("StripeWebhookSecret")] : [];
