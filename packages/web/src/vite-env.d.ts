/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_URL?: string;
  /** Stripe's publishable key (pk_…), where Stripe is the provider. */
  readonly VITE_STRIPE_PUBLISHABLE_KEY?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

interface Window {
  /** Set by /config.js at serve time, so one build can point at any API. */
  __HOTSEAT_API__?: string;
  /** Set by the local stack's /config.js only: where the mail it did not send can be read (the local outbox). */
  __HOTSEAT_LOCAL_OUTBOX__?: string;
  /** Set by /config.js where Stripe is the provider: the publishable key Stripe Elements needs. */
  __HOTSEAT_STRIPE_KEY__?: string;
}
