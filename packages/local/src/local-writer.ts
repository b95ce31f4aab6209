import type { Runtime } from "@hotseat/functions/runtime";
import { writeBatch } from "@hotseat/functions/writer";
import { KinesisPoller, type PollerOptions } from "./poller.ts";

/** What the local writer has done so far: the poller's invocations and the orders it confirmed persisted. */
export interface WriterStats {
  invocations: number;
  recordsHandled: number;
  /** How far the slowest shard's reads are behind the stream's tip. */
  millisBehind: number;
  /** Orders the writer took out of the space's pending set (a redelivered one counts once). */
  persisted: number;
  /** When it last did (epoch ms; 0 before the first). */
  lastPersistAt: number;
}

export interface LocalWriter {
  poller: KinesisPoller;
  stats(): WriterStats;
  stop(): Promise<void>;
}

/**
 * The writer as it runs off AWS: the local poller (Lambda's event source mapping on the pump)
 * driving the real writer handler on `runtime`, its checkpoints kept in `dataDir`. The stack runs
 * it in the API's process or in its own (writer-child.ts); the nemesis runs it beside its sweeper.
 */
export async function startLocalWriter(
  runtime: Runtime,
  dataDir: string,
  options?: Partial<PollerOptions>,
): Promise<LocalWriter> {
  const confirmations = countConfirmations(runtime.space);
  const poller = new KinesisPoller(
    runtime.kinesis,
    runtime.config.pump.streamName,
    (event) => writeBatch(runtime, event),
    dataDir,
    options,
  );
  await poller.start();
  return {
    poller,
    stats: () => ({
      invocations: poller.invocations,
      recordsHandled: poller.recordsHandled,
      millisBehind: Math.max(0, ...poller.millisBehind.values()),
      persisted: confirmations.persisted,
      lastPersistAt: confirmations.lastPersistAt,
    }),
    stop: () => poller.stop(),
  };
}

/** Counts the orders the writer confirms persisted, and when it last did, by wrapping the space's confirmation. */
function countConfirmations(space: Runtime["space"]) {
  const confirmPersisted = space.confirmPersisted.bind(space);
  const counter = { persisted: 0, lastPersistAt: 0 };
  space.confirmPersisted = async (...a: Parameters<typeof confirmPersisted>) => {
    const n = await confirmPersisted(...a);
    counter.persisted += n;
    if (n > 0) counter.lastPersistAt = Date.now();
    return n;
  };
  return counter;
}
