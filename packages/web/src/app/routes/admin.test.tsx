// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow, SHOW_ID } from "../../testing/fixtures.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { AdminRoute } from "./admin.tsx";

const TOKEN = "s3cret-admin";
const stats = (sold: number, persisted: number) => ({
  showId: SHOW_ID,
  capacity: 200,
  remaining: 200 - sold,
  sold,
  persisted,
  pending: sold - persisted,
  pendingOrders: sold - persisted > 0 ? 1 : 0,
  oldestPendingMs: 0,
  shards: 1,
  at: new Date().toISOString(),
  status: "on_sale" as const,
  projectedSold: persisted,
  // 20 buckets of 15 s: the last five minutes, with the sales in the two latest ones
  timeline: {
    bucketMs: 15_000,
    buckets: Array.from({ length: 20 }, (_, i) => ({
      at: i * 15_000,
      tickets: i === 18 ? Math.max(0, sold - 5) : i === 19 ? Math.min(sold, 5) : 0,
    })),
  },
});

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function signIn(token = TOKEN) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Admin token"), token);
  await user.click(screen.getByRole("button", { name: "Continue" }));
  return user;
}

describe("AdminRoute", () => {
  it("asks for the token once, keeps it for the session and sends it as a bearer token", async () => {
    let shows = [aShow({ status: "draft", remaining: 0 })];
    const { requests } = stubApi((request) => {
      // The public list has only shows on sale; the console lists drafts too.
      if (request.path === "/shows") return json(200, { shows: shows.filter((s) => s.status === "on_sale") });
      if (request.path === "/admin/shows" && request.method === "GET") return json(200, { shows });
      if (request.path === "/admin/shows" && request.method === "POST") {
        const created = aShow({ id: "shw_NEW", name: (request.body as { name: string }).name, status: "draft" });
        shows = [...shows, created];
        return json(201, { show: created });
      }
      if (request.path.endsWith("/preload")) {
        shows = shows.map((s) => (s.id === SHOW_ID ? { ...s, status: "on_sale" } : s));
        return json(200, { showId: SHOW_ID, remaining: 200 });
      }
      if (request.path.endsWith("/stats")) return json(200, stats(12, 9));
      return apiError(404, "not_found");
    });
    renderWithProviders(<AdminRoute />);
    const user = await signIn();
    expect(sessionStorage.getItem("hotseat.adminToken")).toBe(TOKEN);

    const panel = await screen.findByRole("article", { name: "The Midnight Echoes" });
    await waitFor(() => expect(within(panel).getByTestId("stat-sold").textContent).toBe("12"));
    expect(within(panel).getByTestId("stat-persisted").textContent).toBe("9");
    expect(within(panel).getByTestId("stat-pending").textContent).toBe("3");
    expect(
      within(panel).getByRole("img", { name: "12 tickets sold in the last 5 minutes, at most 7 in any 15 seconds." }),
    ).toBeTruthy();

    await user.click(within(panel).getByRole("button", { name: "Preload & open sale" }));
    await within(panel).findByText("On sale");

    await user.type(screen.getByLabelText("Show name"), "Late Night Jazz");
    await user.type(screen.getByLabelText("Venue"), "Bimhuis");
    await user.click(screen.getByRole("button", { name: "Create show" }));
    expect(await screen.findByText(/Preload it below/)).toBeTruthy();
    expect(await screen.findByRole("article", { name: "Late Night Jazz" })).toBeTruthy();

    const create = requests.find((r) => r.path === "/admin/shows" && r.method === "POST");
    expect(create?.body).toMatchObject({ name: "Late Night Jazz", venue: "Bimhuis", capacity: 500, priceCents: 4900 });
    const { startsAt } = (create?.body ?? {}) as { startsAt?: string };
    expect(Date.parse(startsAt ?? "")).toBeGreaterThan(Date.now());
    const adminCalls = requests.filter((r) => r.path.startsWith("/admin/"));
    expect(adminCalls.length).toBeGreaterThan(0);
    for (const call of adminCalls) expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("drops a refused token and asks again, saying why", async () => {
    stubApi((request) => (request.path === "/shows" ? json(200, { shows: [aShow()] }) : apiError(401, "unauthorized")));
    renderWithProviders(<AdminRoute />);
    await signIn("wrong-token");

    expect(await screen.findByText(/That token was refused/)).toBeTruthy();
    expect(screen.getByLabelText("Admin token")).toBeTruthy();
    expect(sessionStorage.getItem("hotseat.adminToken")).toBeNull();
  });

  it("shows the checkout counts and the conversion over the polls it has seen, and refunds an order by id", async () => {
    const start = Date.now();
    let polls = 0;
    const { requests } = stubApi((request) => {
      if (request.path === "/admin/shows") return json(200, { shows: [aShow()] });
      if (request.path.endsWith("/stats")) {
        polls += 1;
        const confirmed = polls === 1 ? 5 : 8;
        return json(200, {
          ...stats(confirmed + 1, confirmed),
          held: 1,
          confirmed,
          expired: 2,
          cancelled: 1,
          refunded: polls === 1 ? 0 : 1,
          taken: 10,
          at: new Date(start + (polls - 1) * 2_000).toISOString(),
        });
      }
      if (request.path === "/admin/orders/ord_paid/refund") {
        return json(200, { order: anOrder({ id: "ord_paid", status: "refunded", quantity: 2 }) });
      }
      if (request.path === "/admin/orders/ord_held/refund") return apiError(409, "not_refundable");
      return apiError(404, "order_not_found");
    });
    renderWithProviders(<AdminRoute />);
    const user = await signIn();

    const panel = await screen.findByRole("article", { name: "The Midnight Echoes" });
    await waitFor(() => expect(within(panel).getByTestId("stat-conversion").textContent).toBe("50%"));
    expect(within(panel).getByTestId("stat-held").textContent).toBe("1");
    expect(within(panel).getByTestId("stat-confirmed").textContent).toBe("5");
    expect(within(panel).getByTestId("stat-expired").textContent).toBe("2");
    expect(within(panel).getByTestId("stat-cancelled").textContent).toBe("1");
    expect(within(panel).getByTestId("stat-refunded").textContent).toBe("0");
    expect(within(panel).getByText("5 of 10 taken")).toBeTruthy();

    // The next poll moves the counts, and the conversion series gains a point.
    await waitFor(() => expect(within(panel).getByTestId("stat-conversion").textContent).toBe("80%"), {
      timeout: 3_500,
    });
    expect(within(panel).getByTestId("stat-refunded").textContent).toBe("1");
    expect(
      within(panel).getByRole("img", { name: "Conversion 80% now (8 confirmed of 10 taken); from 50% 2 seconds ago." }),
    ).toBeTruthy();
    expect(within(panel).getByTestId("conversion-chart").querySelector("polyline")).toBeTruthy();

    const refund = screen.getByRole("form", { name: "Refund an order" });
    await user.type(within(refund).getByLabelText("Order id"), "ord_paid");
    await user.click(within(refund).getByRole("button", { name: "Refund" }));
    expect((await within(refund).findByRole("status")).textContent).toBe(
      "Refunded ord_paid: $98.00 back to the buyer, 2 tickets back on sale.",
    );

    await user.clear(within(refund).getByLabelText("Order id"));
    await user.type(within(refund).getByLabelText("Order id"), "ord_held");
    await user.click(within(refund).getByRole("button", { name: "Refund" }));
    expect((await within(refund).findByRole("alert")).textContent).toMatch(/Only a confirmed order can be refunded/);

    const refunds = requests.filter((r) => r.path.endsWith("/refund"));
    expect(refunds.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/admin/orders/ord_paid/refund"],
      ["POST", "/admin/orders/ord_held/refund"],
    ]);
    for (const r of refunds) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("shows the API process's metrics where the API counts them (locally), and nothing where it does not", async () => {
    let served = true;
    const { requests } = stubApi((request) => {
      if (request.path === "/admin/shows") return json(200, { shows: [] });
      if (request.path === "/admin/metrics")
        return served
          ? json(200, { since: new Date().toISOString(), metrics: { OrdersAccepted: 1234, Unavailable503: 2 } })
          : apiError(404, "not_found");
      return apiError(404, "not_found");
    });
    renderWithProviders(<AdminRoute />);
    await signIn();
    expect((await screen.findByTestId("metric-OrdersAccepted")).textContent).toBe("1,234");
    expect(screen.getByTestId("metric-Unavailable503").textContent).toBe("2");
    expect(screen.getByTestId("metric-SpaceRebuilds").textContent).toBe("0");
    expect(requests.find((r) => r.path === "/admin/metrics")?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    cleanup();
    served = false;
    renderWithProviders(<AdminRoute />);
    await screen.findByText(/No shows yet/);
    await waitFor(() => expect(requests.filter((r) => r.path === "/admin/metrics").length).toBeGreaterThan(1));
    expect(screen.queryByRole("heading", { name: "API metrics" })).toBeNull();
  });
});
