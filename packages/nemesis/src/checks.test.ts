import { describe, expect, it } from "vitest";
import { peakLiveTickets } from "./checks.ts";

const at = (s: number) => `2026-12-02T10:00:${String(s).padStart(2, "0")}.000Z`;
const order = (orderId: string, quantity: number, s: number, showId = "shw_a") => ({
  __edb_e__: "order",
  orderId,
  showId,
  quantity,
  createdAt: at(s),
});
const status = (orderId: string, version: number, value: string, s: number) => ({
  __edb_e__: "orderStatus",
  orderId,
  version,
  status: value,
  createdAt: at(0),
  updatedAt: at(s),
});

describe("the most tickets live at once", () => {
  it("sees an oversell that lapsed holds hid by the end", () => {
    // 2 held at 1 s, 2 more at 2 s while the first are still held (4 live), the first lapse at 3 s.
    const peaks = peakLiveTickets([order("a", 2, 1), order("b", 2, 2), status("a", 2, "expired", 3)]);
    expect(peaks.get("shw_a")).toEqual({ peak: 4, atIso: at(2) });
  });

  it("counts a release and a take at the same instant as the release first, and a confirm as still live", () => {
    const peaks = peakLiveTickets([
      order("a", 3, 1),
      status("a", 2, "expired", 4),
      order("b", 3, 4),
      status("b", 2, "confirmed", 5),
      status("b", 3, "refunded", 6),
      order("c", 3, 7),
    ]);
    expect(peaks.get("shw_a")).toEqual({ peak: 3, atIso: at(1) });
  });

  it("follows versions in their order, whatever order the items come in, one show apart from another", () => {
    const peaks = peakLiveTickets([
      status("a", 3, "cancelled", 5),
      status("a", 2, "confirmed", 2),
      order("a", 2, 1),
      order("b", 1, 3, "shw_b"),
      order("c", 2, 6),
    ]);
    expect(peaks.get("shw_a")).toEqual({ peak: 2, atIso: at(1) });
    expect(peaks.get("shw_b")).toEqual({ peak: 1, atIso: at(3) });
  });
});
