import { isLive, type OrderRecord } from "../order/index.ts";
import type { PumpPublisher } from "../pump/index.ts";
import type { Availability, Show } from "../show/index.ts";
import type { ShardState, Space } from "../space/index.ts";
import { sleep } from "../util/index.ts";
import type { Catalogue } from "./catalogue.ts";
import { type SharedRead, shared } from "./shared-read.ts";
import { showView } from "./view.ts";

type Publisher = Pick<PumpPublisher, "publishOrder">;

/** How long a reader that expired lapsed holds waits for their tickets to be back on sale before it answers. */
const READER_WAITS_MS = 250;

export interface AvailabilityDeps {
  catalogue: Pick<Catalogue, "showSettings">;
  space: Pick<Space, "readShards" | "reclaimHolds" | "creditReleased">;
  publisher: Publisher;
  /**
   * How long one process reuses a show's availability. Pollers far outnumber buyers; the count
   * only falls, so a reused value never claims sold out early. 0 reads the space every time.
   */
  availabilityCacheMs: number;
}

/** A show's availability read, with its JSON text serialized once for every poller. */
interface AvailabilityRead extends SharedRead<Availability> {
  json?: Promise<string>;
  /** The JSON text once the read has answered. */
  text?: string;
}

/**
 * Puts changed orders on the pump: each is pending in the space until the writer confirms it, and the sweeper
 * publishes it again if this publish fails. The tickets a published change gave back go on sale now (they were
 * `releasing`: see `ShardState.releasing`); those of a change the pump refused wait for the sweeper's publish or the
 * writer. Never throws; resolves to the tickets put on sale. Callers that need not wait for it do not.
 */
export async function publishChanges(
  publisher: Publisher,
  space: Pick<Space, "creditReleased">,
  records: OrderRecord[],
): Promise<number> {
  if (records.length === 0) return 0;
  const published = await Promise.all(records.map((r) => publisher.publishOrder(r).catch(() => false)));
  return creditPublished(space, records, published);
}

/**
 * After a publish: the tickets each published change that ended its order gave back go on sale (see
 * `ShardState.releasing`), one call per shard. `published[i]` says whether `records[i]` is in the pump. Never throws;
 * resolves to the tickets put on sale.
 */
export async function creditPublished(
  space: Pick<Space, "creditReleased">,
  records: OrderRecord[],
  published: boolean[],
): Promise<number> {
  const byShard = new Map<string, { showId: string; shard: number; ids: string[] }>();
  records.forEach((r, i) => {
    if (!published[i] || isLive(r.status)) return; // only a change that ended the order gave tickets back
    const key = `${r.showId}\n${r.shard}`;
    const group = byShard.get(key) ?? { showId: r.showId, shard: r.shard, ids: [] };
    group.ids.push(r.id);
    byShard.set(key, group);
  });
  const credited = await Promise.all(
    [...byShard.values()].map((g) => space.creditReleased(g.showId, g.shard, g.ids).catch(() => 0)),
  );
  return credited.reduce((a, b) => a + b, 0);
}

/**
 * What is left of a show, as the pollers see it. Their read is also what returns lapsed holds to
 * sale within a second of their deadline (one shared read per show per `availabilityCacheMs` per
 * process), with no timer on the buyer's path.
 */
export class ShowAvailability {
  private readonly reads = new Map<string, AvailabilityRead>();

  constructor(private readonly deps: AvailabilityDeps) {}

  /** Served from the space; concurrent and repeated reads within `availabilityCacheMs` share one read. */
  availability(showId: string): Promise<Availability> {
    return this.sharedRead(showId).value;
  }

  /** `availability` as JSON text, serialized once per shared read: what the API sends every poller. */
  availabilityJson(showId: string): Promise<string> {
    const read = this.sharedRead(showId);
    read.json ??= read.value.then((a) => {
      read.text = JSON.stringify(a);
      return read.text;
    });
    return read.json;
  }

  /**
   * The JSON text of a shared read that has already answered and is still fresh, without waiting;
   * undefined otherwise (then call `availabilityJson`). Only a read of a real show ever answers.
   */
  availabilityJsonReady(showId: string): string | undefined {
    const cached = this.reads.get(showId);
    if (cached?.text !== undefined && Date.now() - cached.at < this.deps.availabilityCacheMs) return cached.text;
    return undefined;
  }

  /**
   * The show's shards, with any hold past its deadline returned to sale first. Most reads find none
   * (each shard reports its earliest deadline) and cost nothing more.
   */
  async readShardsReclaimed(
    show: Pick<Show, "id" | "shards">,
    o: { untilOnSale?: boolean } = {},
  ): Promise<ShardState[]> {
    const states = await this.deps.space.readShards(show.id, show.shards);
    if (!states.some((s) => s.nextHoldDeadline !== null && s.nextHoldDeadline <= s.spaceNow)) return states;
    await this.reclaimHolds(show, o);
    return this.deps.space.readShards(show.id, show.shards);
  }

  /**
   * Lapsed holds of every shard expired, and their expiry on its way to the writer; their tickets go on sale once it
   * is in the pump. `untilOnSale` waits for that (a buyer about to be told "sold out"); pollers do not wait.
   */
  async reclaimHolds(show: Pick<Show, "id" | "shards">, o: { untilOnSale?: boolean } = {}): Promise<number> {
    const expired = (
      await Promise.all(Array.from({ length: show.shards }, (_, s) => this.deps.space.reclaimHolds(show.id, s)))
    ).flat();
    const onSale = publishChanges(this.deps.publisher, this.deps.space, expired);
    if (o.untilOnSale) await onSale;
    // A poller waits a moment, no more: a healthy pump takes the expiry in milliseconds, a refusing one must not
    // hold every poller's answer for the publisher's whole budget.
    else if (expired.length > 0) await Promise.race([onSale, sleep(READER_WAITS_MS)]);
    return expired.length;
  }

  private sharedRead(showId: string): AvailabilityRead {
    return shared(this.reads, showId, this.deps.availabilityCacheMs, () => ({
      at: Date.now(),
      value: this.readAvailability(showId),
    }));
  }

  private async readAvailability(showId: string): Promise<Availability> {
    const show = await this.deps.catalogue.showSettings(showId);
    const states = await this.readShardsReclaimed(show);
    const v = showView(show, states);
    return {
      showId,
      remaining: v.remaining,
      held: v.held,
      soldOut: v.soldOut,
      onSale: states.some((s) => s.status === "on_sale"),
    };
  }
}
