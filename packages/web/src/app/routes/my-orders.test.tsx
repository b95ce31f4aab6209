// @vitest-environment jsdom

import { sleep } from "@hotseat/core/util";
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getSession } from "../../lib/session.ts";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow } from "../../testing/fixtures.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { signIn, TEST_TOKEN } from "../../testing/session.ts";
import { MyOrdersRoute } from "./my-orders.tsx";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("MyOrdersRoute", () => {
  it("lists the buyer's orders newest first, each linking to its page", async () => {
    signIn({ email: "ada@example.com" });
    const newer = anOrder({ id: "ord_01J00000000000000000000009", quantity: 3, createdAt: "2030-01-03T10:00:00.000Z" });
    const older = anOrder({ id: "ord_01J00000000000000000000002", showId: "shw_gone", quantity: 1 });
    const { requests } = stubApi((request) => {
      if (request.path === "/me/orders") return json(200, { orders: [newer, older] });
      if (request.path === "/shows") return json(200, { shows: [aShow()] });
      return apiError(404, "not_found");
    });
    renderWithProviders(<MyOrdersRoute />);

    const list = await screen.findByRole("list", { name: "Your orders" });
    const items = within(list).getAllByTestId("my-order");
    expect(items).toHaveLength(2);
    expect(within(items[0] as HTMLElement).getByText(/3 tickets/)).toBeTruthy();
    await vi.waitFor(() => expect(within(items[0] as HTMLElement).getByText("The Midnight Echoes")).toBeTruthy());
    // A show no longer listed still names its order, by id.
    expect(within(items[1] as HTMLElement).getByText("shw_gone")).toBeTruthy();
    expect(
      within(list)
        .getAllByRole("link", { name: /^View order/ })
        .map((a) => a.getAttribute("href")),
    ).toEqual([`/orders/${newer.id}`, `/orders/${older.id}`]);
    expect(screen.getByText("ada@example.com")).toBeTruthy();
    expect(requests.find((r) => r.path === "/me/orders")?.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });

  it("says when there are none yet", async () => {
    signIn();
    stubApi((request) => (request.path === "/me/orders" ? json(200, { orders: [] }) : json(200, { shows: [] })));
    renderWithProviders(<MyOrdersRoute />);
    expect(await screen.findByText("You haven't bought any tickets yet.")).toBeTruthy();
  });

  it("asks a signed-out visitor to sign in, and asks the API for no orders", async () => {
    const { requests } = stubApi(() => json(200, { shows: [] }));
    renderWithProviders(<MyOrdersRoute />);
    expect(screen.getByRole("heading", { name: "Sign in to see your orders" })).toBeTruthy();
    await sleep(50);
    expect(requests.filter((r) => r.path === "/me/orders")).toHaveLength(0);
  });

  it("signs the buyer out and asks again when the API refuses the token", async () => {
    signIn();
    stubApi((request) => (request.path === "/me/orders" ? apiError(401, "unauthorized") : json(200, { shows: [] })));
    renderWithProviders(<MyOrdersRoute />);
    expect(await screen.findByRole("heading", { name: "Sign in to see your orders" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/Sign in again/);
    expect(getSession()).toBeNull();
  });
});
