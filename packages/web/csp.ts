/**
 * The storefront's Content-Security-Policy, one definition for every server of it: the local web
 * server (packages/local/src/web-server.ts) and CloudFront on AWS (infra/web.ts). Plain constants,
 * no imports: SST's config bundle loads it.
 *
 * `apiOrigin`: where the API is when it is not this origin (locally); on AWS it is `'self'`.
 * `stripe`: Stripe.js and its frames, where Stripe is the provider.
 */
export function contentSecurityPolicy(options: { apiOrigin?: string; stripe?: boolean } = {}): string {
  const stripeScript = options.stripe ? " https://js.stripe.com" : "";
  return [
    "default-src 'self'",
    `script-src 'self'${stripeScript}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${options.apiOrigin ? ` ${options.apiOrigin}` : ""}${options.stripe ? " https://api.stripe.com" : ""}`,
    `frame-src${options.stripe ? " https://js.stripe.com https://hooks.stripe.com" : " 'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
