import { contentSecurityPolicy } from "../packages/web/csp.ts";
import { api } from "./api";
import { paymentsProvider } from "./payments";

/** The path the storefront calls the API under, on the one origin CloudFront serves (the router strips it). */
export const apiPath = "/api";

/** CloudFront's managed policies (AWS's documented ids). */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/**
 * One CloudFront distribution in front of the storefront and the API, so the browser calls the API on its own origin
 * (no CORS on AWS) and the polls are answered at the edge. Not in `sst dev`: the storefront is Vite's dev server there.
 */
function createRouter() {
  /**
   * Availability polls and the show list are shared by every buyer: cached for exactly the `max-age` the API sends
   * (1 s and 2 s), never longer than 5 s whatever a response says, keyed on the path alone (no header, cookie or
   * query), so millions of pollers cost one request per edge location per max-age.
   */
  const pollCachePolicy = new aws.cloudfront.CachePolicy("PollCachePolicy", {
    comment: "HotSeat public reads: the API's own max-age",
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 5,
    parametersInCacheKeyAndForwardedToOrigin: {
      cookiesConfig: { cookieBehavior: "none" },
      headersConfig: { headerBehavior: "none" },
      queryStringsConfig: { queryStringBehavior: "none" },
      enableAcceptEncodingBrotli: true,
      enableAcceptEncodingGzip: true,
    },
  });
  /** The storefront's pages carry the same Content-Security-Policy as locally, with the API on this origin. */
  const storefrontHeaders = new aws.cloudfront.ResponseHeadersPolicy("StorefrontHeaders", {
    comment: "HotSeat storefront: CSP and friends",
    securityHeadersConfig: {
      contentSecurityPolicy: {
        contentSecurityPolicy: contentSecurityPolicy({ stripe: paymentsProvider === "stripe" }),
        override: true,
      },
      contentTypeOptions: { override: true },
      referrerPolicy: { referrerPolicy: "no-referrer", override: true },
      frameOptions: { frameOption: "DENY", override: true },
      strictTransportSecurity: { accessControlMaxAgeSec: 31_536_000, includeSubdomains: true, override: true },
    },
  });
  const router = new sst.aws.Router("Edge", {
    transform: {
      cdn: (args) => {
        args.defaultCacheBehavior = $output(args.defaultCacheBehavior).apply((site) => ({
          ...site,
          responseHeadersPolicyId: storefrontHeaders.id,
        }));
        // The router's routing (a CloudFront function reading its key-value store) sits on the default behavior;
        // each API behavior keeps that function and differs only in what it caches and forwards.
        args.orderedCacheBehaviors = $output(args.defaultCacheBehavior).apply((site) => {
          const behavior = (pathPattern: string, cache: "poll" | "pass") => ({
            pathPattern,
            targetOriginId: site.targetOriginId,
            viewerProtocolPolicy: "redirect-to-https",
            functionAssociations: site.functionAssociations,
            compress: true,
            ...(cache === "poll"
              ? {
                  allowedMethods: ["GET", "HEAD", "OPTIONS"],
                  cachedMethods: ["GET", "HEAD"],
                  cachePolicyId: pollCachePolicy.id,
                }
              : {
                  // Purchases, orders, admin, sign-in and webhooks: nothing cached; with caching disabled this origin
                  // request policy forwards every viewer header, Authorization included, and the body.
                  allowedMethods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
                  cachedMethods: ["GET", "HEAD"],
                  cachePolicyId: CACHING_DISABLED,
                  originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
                }),
          });
          // First match wins, in this order; anything else is the storefront (the default behavior).
          return [
            behavior(`${apiPath}/shows/*/availability`, "poll"),
            behavior(`${apiPath}/shows`, "poll"),
            behavior(`${apiPath}/*`, "pass"),
          ];
        });
      },
    },
  });
  router.route(apiPath, api.url, { rewrite: { regex: `^${apiPath}/(.*)$`, to: "/$1" } });
  return router;
}

export const router = $dev ? undefined : createRouter();

export const web = new sst.aws.StaticSite("Web", {
  build: {
    command: "pnpm --filter @hotseat/web build",
    output: "packages/web/dist",
  },
  router: router ? { instance: router } : undefined,
  // Same origin on AWS; under `sst dev` Vite's server calls the stage's API directly (the app sends CORS headers).
  environment: {
    VITE_API_URL: router ? apiPath : api.url,
    // Public by design (Stripe Elements in the browser); set at deploy where Stripe is the provider.
    ...(paymentsProvider === "stripe" && process.env.HOTSEAT_STRIPE_PUBLISHABLE_KEY
      ? { VITE_STRIPE_PUBLISHABLE_KEY: process.env.HOTSEAT_STRIPE_PUBLISHABLE_KEY }
      : {}),
  },
  dev: { command: "pnpm --filter @hotseat/web dev", url: "http://localhost:5173" },
});

/** Where buyers go: the router's URL on AWS, Vite's dev server under `sst dev`. */
export const webUrl = router ? router.url : web.url;
