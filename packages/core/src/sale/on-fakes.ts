// A sale on in-memory fakes (the space, the pump, the stores), for the fast tests beside the sale's modules.
import { InMemoryOrderStore, InMemoryProjectionStore, InMemoryShowStore, InMemoryTable } from "../db/in-memory.ts";
import type { OrderRecord } from "../order/index.ts";
import { InMemoryPump } from "../pump/in-memory.ts";
import type { RebuildTrigger } from "../rehydrate/worker.ts";
import type { CreateShowInput, Show } from "../show/index.ts";
import { InMemorySpace } from "../space/in-memory.ts";
import { type SaleOptions, Sales } from "./index.ts";

export interface SaleOnFakesOptions {
  options?: SaleOptions;
  /** Where rebuilds are asked for; by default they are only recorded (`rebuildsAsked`). */
  rebuild?: RebuildTrigger;
  /** The space's clock; the sale's own is `Date.now`. */
  now?: () => number;
}

export function saleOnFakes(o: SaleOnFakesOptions = {}) {
  const table = new InMemoryTable();
  const shows = new InMemoryShowStore(table);
  const orders = new InMemoryOrderStore(table);
  const space = new InMemorySpace({ now: o.now ?? (() => Date.now()) });
  // One pump shard: its records are in the order the sale published them.
  const pump = new InMemoryPump({ shards: 1 });
  /** The orders the sale published, in order. */
  const published = (): OrderRecord[] =>
    pump
      .read(pump.shardIds[0] as string)
      .flatMap((r) =>
        r.event.type === "orders.accepted" ? r.event.orders : r.event.type === "order.accepted" ? [r.event.order] : [],
      );
  const rebuildsAsked: string[] = [];
  const rebuild: RebuildTrigger = o.rebuild ?? {
    async request(showId) {
      rebuildsAsked.push(showId);
    },
  };
  const make = (s: InMemorySpace, options: SaleOptions = {}) =>
    new Sales({
      shows,
      orders,
      space: s,
      publisher: pump,
      // No sharing by default: each test says when a cached read is what it checks.
      options: { availabilityCacheMs: 0, listCacheMs: 0, rehydrationWaitMs: 100, ...o.options, ...options },
      rebuild,
    });
  const sales = make(space);
  const show = (input: Partial<CreateShowInput> = {}): Promise<Show> =>
    sales.createShow({
      name: "Night Shift",
      venue: "The Hall",
      startsAt: "2027-01-01T20:00:00.000Z",
      capacity: 10,
      priceCents: 0,
      maxPerCustomer: 10,
      shards: 1,
      ...input,
    });
  return {
    sales,
    shows,
    orders,
    table,
    /** The writer's side of the same table: what it puts, the stores read. */
    projection: new InMemoryProjectionStore(table),
    space,
    pump,
    published,
    rebuildsAsked,
    /** Another API process on the same space (or on `s`), stores and pump, with caches of its own. */
    otherProcess: (s: InMemorySpace = space.peer(), options?: SaleOptions) => make(s, options),
    /** A new show, still a draft. */
    show,
    /** A new show, preloaded: on sale in the space. */
    async showOnSale(input: Partial<CreateShowInput> = {}): Promise<Show> {
      const created = await show(input);
      await sales.preload(created.id);
      return { ...created, status: "on_sale" };
    },
  };
}

export type SaleOnFakes = ReturnType<typeof saleOnFakes>;
