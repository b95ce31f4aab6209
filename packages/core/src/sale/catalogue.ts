import { LRUCache } from "lru-cache";
import { HotSeatError } from "../error/index.ts";
import { CreateShowInput, newShowId, type Show } from "../show/index.ts";
import type { Space } from "../space/index.ts";
import type { ShowStore } from "./ports.ts";
import { type SharedRead, shared } from "./shared-read.ts";
import { type ShowView, showView } from "./view.ts";

/** How long a draft status read from the store is trusted before the store is asked again. */
const DRAFT_RECHECK_MS = 1000;

export interface CatalogueDeps {
  shows: ShowStore;
  space: Pick<Space, "readShards">;
  /** How long one process shares the list of shows (the route's `max-age`). 0 reads it every time. */
  listCacheMs: number;
}

/**
 * The shows: their settings, which never change once created (only the status moves, once, from
 * draft to on sale), so a process keeps them; and the views of them that buyers load.
 */
export class Catalogue {
  private readonly settings = new Map<string, Show>();
  /** Ids that named no show, keyed by client input: bounded, so a scan of made-up ids cannot grow it. */
  private readonly misses = new LRUCache<string, true>({ max: 10_000, ttl: 2000 });
  /** When the store last said a show was a draft: buyers and page loads before the opening must not each read it. */
  private readonly draftSeen = new Map<string, number>();
  /** The list of shows, under the one key "all". */
  private readonly list = new Map<"all", SharedRead<ShowView[]>>();

  constructor(private readonly deps: CatalogueDeps) {}

  async createShow(input: CreateShowInput): Promise<Show> {
    const parsed = CreateShowInput.safeParse(input);
    if (!parsed.success) throw new HotSeatError("invalid_request", parsed.error.issues[0]?.message ?? "invalid show");
    const show: Show = { id: newShowId(), ...parsed.data, status: "draft", createdAt: new Date().toISOString() };
    await this.deps.shows.create(show);
    this.forgetList();
    return show;
  }

  /** The show's settings from the store, bypassing the cache. */
  async loadShow(showId: string): Promise<Show> {
    const show = await this.deps.shows.get(showId);
    if (!show) throw new HotSeatError("show_not_found", `no show ${showId}`);
    this.settings.set(showId, show);
    if (show.status === "draft") this.draftSeen.set(showId, Date.now());
    return show;
  }

  /** The show's settings, read from the store once per process (a miss is remembered a little while too). */
  async showSettings(showId: string): Promise<Show> {
    const cached = this.settings.get(showId);
    if (cached) return cached;
    if (this.misses.get(showId)) throw new HotSeatError("show_not_found", `no show ${showId}`);
    try {
      return await this.loadShow(showId);
    } catch (e) {
      if (e instanceof HotSeatError) this.misses.set(showId, true);
      throw e;
    }
  }

  /** Whether the store said so recently that the show is a draft (then asking it again is pointless). */
  seenDraftRecently(showId: string): boolean {
    const seen = this.draftSeen.get(showId);
    return seen !== undefined && Date.now() - seen < DRAFT_RECHECK_MS;
  }

  /** Draft to on sale, in the store first: whatever this process does next, the show is on sale everywhere. */
  async putOnSale(show: Show): Promise<Show> {
    await this.deps.shows.markOnSale(show.id);
    this.draftSeen.delete(show.id);
    const onSale: Show = { ...show, status: "on_sale" };
    this.settings.set(show.id, onSale);
    return onSale;
  }

  /**
   * Every show, shared by this process's callers for `listCacheMs` (the route's `max-age`): when a
   * sale opens, a crowd loading the list must not each query the one index partition that holds it.
   * Creating or preloading a show here drops the shared copy.
   */
  listShows(): Promise<ShowView[]> {
    return shared(this.list, "all", this.deps.listCacheMs, () => ({ at: Date.now(), value: this.readShows() })).value;
  }

  /** The public list: shows on sale only. A draft is the promoter's until it is preloaded. */
  async listShowsOnSale(): Promise<ShowView[]> {
    return (await this.listShows()).filter((s) => s.status === "on_sale");
  }

  /** Drops the shared list, so the next caller sees a change made here at once. */
  forgetList(): void {
    this.list.clear();
  }

  private async readShows(): Promise<ShowView[]> {
    const shows = await this.deps.shows.list();
    const states = await Promise.all(shows.map((s) => this.deps.space.readShards(s.id, s.shards)));
    return shows.map((s, i) => showView(s, states[i] ?? []));
  }

  /**
   * A show page: the settings this process keeps and the space's live state. The status only ever
   * moves from draft to on sale, and preload writes it to the store before it loads the space, so a
   * show the space holds is on sale. Only a show still a draft everywhere is read again from the
   * store, at most once a second per process: a crowd waiting for the opening (the page is loaded
   * by everyone, at once) does not each read the show's one item.
   */
  async getShow(showId: string): Promise<ShowView> {
    let show = await this.showSettings(showId);
    const states = await this.deps.space.readShards(show.id, show.shards);
    if (show.status === "draft") {
      if (states.some((s) => s.exists)) show = { ...show, status: "on_sale" };
      else if (!this.seenDraftRecently(show.id)) show = await this.loadShow(show.id);
    }
    return showView(show, states);
  }
}
