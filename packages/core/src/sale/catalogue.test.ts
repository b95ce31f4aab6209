import { afterEach, describe, expect, it, vi } from "vitest";
import { saleOnFakes } from "./on-fakes.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const UNKNOWN = "shw_01HZZZZZZZZZZZZZZZZZZZZZZZ";

describe("catalogue", () => {
  it("creates a show as a draft with its settings' defaults", async () => {
    const t = saleOnFakes();
    const show = await t.sales.createShow({
      name: " Night Shift ",
      venue: "The Hall",
      startsAt: "2027-01-01T20:00:00.000Z",
      capacity: 100,
      priceCents: 0,
    });
    expect(show).toMatchObject({
      name: "Night Shift",
      status: "draft",
      maxPerCustomer: 4,
      shards: 1,
      holdSeconds: 600,
    });
    expect(show.id).toMatch(/^shw_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(await t.shows.get(show.id)).toEqual(show);
  });

  it("refuses invalid settings with invalid_request, storing nothing", async () => {
    const t = saleOnFakes();
    await expect(
      t.sales.createShow({
        name: "x",
        venue: "y",
        startsAt: "2027-01-01T20:00:00Z",
        capacity: 2,
        priceCents: 0,
        shards: 3,
      }),
    ).rejects.toMatchObject({ code: "invalid_request", message: "shards must not exceed capacity" });
    expect(await t.shows.list()).toEqual([]);
  });

  it("reads a show's settings from the store once per process, and remembers a miss", async () => {
    const t = saleOnFakes();
    const show = await t.show();
    const sales = t.otherProcess();
    const gets = vi.spyOn(t.shows, "get");
    for (let i = 0; i < 3; i++) expect((await sales.showSettings(show.id)).id).toBe(show.id);
    for (let i = 0; i < 2; i++)
      await expect(sales.showSettings(UNKNOWN)).rejects.toMatchObject({ code: "show_not_found" });
    expect(gets.mock.calls.map(([id]) => id)).toEqual([show.id, UNKNOWN]);
  });

  it("asks the store again about a draft at most once a second, and sees a preload elsewhere at once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes();
    const show = await t.show({ capacity: 7 });
    const page = t.otherProcess();
    expect(await page.getShow(show.id)).toMatchObject({ status: "draft", remaining: 7, soldOut: false });
    const gets = vi.spyOn(t.shows, "get");
    await page.getShow(show.id);
    expect(gets).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(1000);
    await page.getShow(show.id);
    expect(gets).toHaveBeenCalledTimes(1);
    // Preloaded by another process: the space holds it, so it is on sale, with no store read.
    await t.sales.preload(show.id);
    gets.mockClear(); // the preload itself read the show, in its own process
    expect(await page.getShow(show.id)).toMatchObject({ status: "on_sale", remaining: 7 });
    expect(gets).toHaveBeenCalledTimes(0);
  });

  it("shares the list of shows for listCacheMs, and drops it when a show is created or preloaded here", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = saleOnFakes({ options: { listCacheMs: 2000 } });
    const a = await t.show({ name: "A" });
    const lists = vi.spyOn(t.shows, "list");
    expect((await t.sales.listShows()).map((s) => s.name)).toEqual(["A"]);
    await t.sales.listShows();
    expect(lists).toHaveBeenCalledTimes(1);
    await t.show({ name: "B" });
    expect((await t.sales.listShows()).map((s) => s.name).sort()).toEqual(["A", "B"]);
    expect(await t.sales.listShowsOnSale()).toEqual([]);
    await t.sales.preload(a.id);
    expect((await t.sales.listShowsOnSale()).map((s) => [s.name, s.remaining])).toEqual([["A", 10]]);
    expect(lists).toHaveBeenCalledTimes(3);
    // Another process's copy waits out its window.
    const other = t.otherProcess(undefined, { listCacheMs: 2000 });
    await other.listShows();
    await t.show({ name: "C" });
    expect((await other.listShows()).length).toBe(2);
    vi.advanceTimersByTime(2000);
    expect((await other.listShows()).length).toBe(3);
  });
});
