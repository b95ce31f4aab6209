import { log } from "@hotseat/core/log";
import { ShowId } from "@hotseat/core/show";
import type { Context } from "aws-lambda";
import { readConfig } from "./config.ts";
import { createRuntime, type Runtime } from "./runtime.ts";

let runtime: Runtime | undefined;

/** What the function keeps back from its own timeout to release the lock and log. */
const MARGIN_MS = 15_000;

/**
 * The rebuild worker (infra/rebuild.ts): invoked asynchronously by the API and the sweeper with
 * `{showId}` when they find a show lost. It waits for the pump's barrier as long as its own timeout
 * allows, renewing the show's lock meanwhile; buyers get 503 `rehydrating` and poll. A second
 * invocation for the same show finds the lock held and does nothing.
 */
export const handler = async (event: { showId?: unknown }, context?: Pick<Context, "getRemainingTimeInMillis">) => {
  const parsed = ShowId.safeParse(event?.showId);
  const showId = parsed.success ? parsed.data : null;
  if (!showId) {
    log.warn("rebuild.bad_event", { event: JSON.stringify(event).slice(0, 200) });
    return { outcome: "bad_event" };
  }
  runtime ??= createRuntime(readConfig(), { publisher: { lingerMs: 0 } });
  const budget = context ? context.getRemainingTimeInMillis() - MARGIN_MS : undefined;
  try {
    const result = await runtime.sales.rebuilder.run(showId, {
      ...(budget && budget > 0 ? { barrierTimeoutMs: budget } : {}),
    });
    log.info("rebuild.run", { showId, ...result });
    return result;
  } finally {
    await runtime.publisher.drain();
  }
};
