import { lambdaDefaults } from "./lambda";
import { payments, stripeSecrets } from "./payments";
import { pump } from "./pump";
import { rebuildLinks } from "./rebuild";
import { space } from "./space";
import { table } from "./table";

/**
 * The reconciler: every minute it finds orders still pending in the space past their deadline (the API died between
 * taking the tickets and publishing, or the writer gave up on them) and publishes them again, and asks the
 * rebuild worker for shows the space lost. Re-publishing is safe because the writer is idempotent. CronV2 (EventBridge Scheduler) is the successor of the deprecated `Cron`.
 */
export const sweeper = new sst.aws.CronV2("Sweeper", {
  schedule: "rate(1 minute)",
  // A missed sweep is covered by the next one a minute later.
  retries: 0,
  function: {
    ...lambdaDefaults,
    handler: "packages/functions/src/sweeper.handler",
    timeout: "50 seconds",
    // The payment provider's links: it retries provider refunds that failed until they succeed.
    link: [space, pump, table, ...rebuildLinks, payments, ...stripeSecrets],
  },
});
