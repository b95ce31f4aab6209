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
