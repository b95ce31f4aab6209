// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { aShow, SHOW_ID } from "../../testing/fixtures.ts";
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
});
