import type { ShowStore } from "../sale/ports.ts";
import type { Show } from "../show/index.ts";
import type { Db } from "./entities.ts";
import { isConditionFailure } from "./unavailable.ts";

interface ShowItem {
  showId: string;
  name: string;
  venue: string;
  startsAt: string;
  capacity: number;
  priceCents: number;
  maxPerCustomer: number;
  shards: number;
  holdSeconds?: number;
  status: "draft" | "on_sale";
  createdAt: string;
}

/** A show's item back as the domain's `Show`. Shows made before checkout have no `holdSeconds`: the default. */
export const toShow = (item: ShowItem): Show => ({
  id: item.showId,
  name: item.name,
  venue: item.venue,
  startsAt: item.startsAt,
  capacity: item.capacity,
  priceCents: item.priceCents,
  maxPerCustomer: item.maxPerCustomer,
  shards: item.shards,
  holdSeconds: item.holdSeconds ?? 600,
  status: item.status,
  createdAt: item.createdAt,
});

/** The show catalogue in the single table: one item per show, listed through its `all` index. */
export class ElectroShowStore implements ShowStore {
  constructor(private readonly db: Db) {}

  async create(show: Show): Promise<void> {
    const { id, ...rest } = show;
    // ElectroDB's `create` is a put on the condition that the item does not exist yet.
    await this.db.entities.show.create({ ...rest, showId: id }).go({ response: "none" });
  }

  async get(showId: string): Promise<Show | null> {
    const { data } = await this.db.entities.show.get({ showId }).go();
    return data ? toShow(data) : null;
  }

  async list(): Promise<Show[]> {
    const { data } = await this.db.entities.show.query.all({}).go({ pages: "all" });
    return data.map(toShow);
  }

  async markOnSale(showId: string): Promise<void> {
    // A patch, so a show that does not exist is refused rather than made.
    await this.db.entities.show.patch({ showId }).set({ status: "on_sale" }).go({ response: "none" });
  }

  async nextRebuild(showId: string): Promise<number> {
    const { data } = await this.db.entities.show.patch({ showId }).add({ rebuilds: 1 }).go({ response: "updated_new" });
    return Number(data.rebuilds);
  }

  async claimFirstLoad(showId: string): Promise<boolean> {
    try {
      // A patch (so a show that is gone is refused too) on the condition that no load was claimed and no
      // rebuild has begun: DynamoDB evaluates it atomically with the write, however many ask at once.
      await this.db.entities.show
        .patch({ showId })
        .set({ loadedAt: new Date().toISOString() })
        .where((a, op) => `${op.notExists(a.loadedAt)} AND ${op.notExists(a.rebuilds)}`)
        .go({ response: "none" });
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
