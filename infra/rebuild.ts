import { lambdaDefaults } from "./lambda";
import { pump } from "./pump";
import { space } from "./space";
import { table } from "./table";

/**
 * The rebuild worker: restores a show the space lost from DynamoDB, after the pump drained. The API and the sweeper
 * invoke it asynchronously (`InvocationType: Event`) with `{showId}`; linking it to them gives them its name and
 * `lambda:InvokeFunction` on it. It may wait minutes for the pump's barrier (its own timeout, not a buyer's
 * request's), renewing the show's lock while it works; a second invocation finds the lock held and returns.
 */
export const rebuilder = new sst.aws.Function("Rebuilder", {
  ...lambdaDefaults,
  handler: "packages/functions/src/rebuild.handler",
  timeout: "5 minutes",
  // A failed rebuild is asked for again by the next buyer or sweep that finds the show lost.
  retries: 0,
  link: [space, pump, table],
});

/**
 * What the API and the sweeper link to ask for a rebuild. Under `sst dev` they run on the developer's machine as
 * long-lived processes, so the worker runs in their background, as in `pnpm start` (no `Rebuilder` link selects the
 * in-process trigger). Linking it there also kept the API and the sweeper from being built in the dev mock run
 * (cause not found; a deploy would show whether `sst dev` itself minds).
 */
export const rebuildLinks = $dev ? [] : [rebuilder];
