import { describe, expect, it } from "vitest";
import { InMemorySpace } from "../space/in-memory.ts";
import { saleOnFakes } from "./on-fakes.ts";

describe("recovery", () => {
  it("asks for a lost show's rebuild once per try, waits rehydrationWaitMs, then answers rehydrating", async () => {
    const t = saleOnFakes({ options: { rehydrationWaitMs: 300 } });
    const show = await t.showOnSale({ capacity: 10 });
    const lost = t.otherProcess(new InMemorySpace(), { rehydrationWaitMs: 300 });
    const started = Date.now();
    await expect(
      lost.purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 1 } }),
    ).rejects.toMatchObject({ code: "rehydrating", message: "the show is being restored; retry in a moment" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(t.rebuildsAsked.length).toBeGreaterThanOrEqual(2);
    expect(new Set(t.rebuildsAsked)).toEqual(new Set([show.id]));
  });

  it("never asks to rebuild a show archived because it is over", async () => {
    const t = saleOnFakes();
    const show = await t.showOnSale({ capacity: 10 });
    const empty = new InMemorySpace();
    await empty.markArchived(show.id, "2027-01-02T00:00:00.000Z");
    await expect(
      t
        .otherProcess(empty)
        .purchase({ showId: show.id, customerId: "cus_a", idempotencyKey: "key-0001", body: { quantity: 1 } }),
    ).rejects.toMatchObject({ code: "not_on_sale", message: "this show is over" });
    expect(t.rebuildsAsked).toEqual([]);
  });

  it("only logs a rebuild trigger that fails: the next caller or sweep asks again", async () => {
    const asked: string[] = [];
    const t = saleOnFakes({
      rebuild: {
        async request(showId) {
          asked.push(showId);
          throw new Error("the rebuild Lambda is throttled");
        },
      },
    });
    await expect(t.sales.requestRebuild("shw_01HZZZZZZZZZZZZZZZZZZZZZZZ")).resolves.toBeUndefined();
    expect(asked).toEqual(["shw_01HZZZZZZZZZZZZZZZZZZZZZZZ"]);
  });
});
