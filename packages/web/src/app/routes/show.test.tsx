// @vitest-environment jsdom

import { sleep } from "@hotseat/core/util";
import { focusManager } from "@tanstack/react-query";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AVAILABILITY_POLL_MS, SOLD_OUT_POLL_MS } from "../../features/shows/api/get-availability.ts";
import { getSession } from "../../lib/session.ts";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow, SHOW_ID } from "../../testing/fixtures.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { signIn } from "../../testing/session.ts";
import { ShowRoute } from "./show.tsx";

const availabilityCalls = (requests: { path: string }[]) =>
  requests.filter((r) => r.path === `/shows/${SHOW_ID}/availability`).length;

beforeEach(() => {
  signIn();
});

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  vi.unstubAllGlobals();
  focusManager.setFocused(undefined);
});

describe("ShowRoute", () => {
  it("shows the show and keeps the remaining count live by polling", async () => {
    let remaining = 120;
    const { requests } = stubApi((request) => {
      if (request.path === `/shows/${SHOW_ID}`) return json(200, { show: aShow({ remaining }) });
      if (request.path.endsWith("/availability")) {
        const answer = json(200, { showId: SHOW_ID, remaining, soldOut: false, onSale: true });
        remaining -= 7; // someone else buys between polls
        return answer;
      }
      return apiError(404, "not_found");
    });
    renderWithProviders(<ShowRoute showId={SHOW_ID} />);

    expect(await screen.findByRole("heading", { level: 1, name: "The Midnight Echoes" })).toBeTruthy();
    expect(screen.getByText("Paradiso, Amsterdam")).toBeTruthy();
    expect(screen.getByText("$49.00 per ticket")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe("120"));
    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe("113"), {
      timeout: AVAILABILITY_POLL_MS + 1_000,
    });
    expect(availabilityCalls(requests)).toBeGreaterThanOrEqual(2);
  });

  it("refreshes the count right after a purchase instead of waiting for the next poll", async () => {
    let remaining = 120;
    stubApi((request) => {
      if (request.path === `/shows/${SHOW_ID}`) return json(200, { show: aShow() });
      if (request.path.endsWith("/availability"))
        return json(200, { showId: SHOW_ID, remaining, soldOut: false, onSale: true });
      remaining -= 1;
      return json(201, { order: anOrder({ quantity: 1 }) });
    });
    renderWithProviders(<ShowRoute showId={SHOW_ID} />);
    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe("120"));

    await userEvent.click(screen.getByRole("button", { name: "Buy 1 ticket" }));

    await screen.findByTestId("purchase-success");
    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe("119"), {
      timeout: AVAILABILITY_POLL_MS / 2,
    });
  });

  it("stops polling while the tab is in the background", async () => {
    const { requests } = stubApi((request) =>
      request.path.endsWith("/availability")
        ? json(200, { showId: SHOW_ID, remaining: 5, soldOut: false, onSale: true })
        : json(200, { show: aShow() }),
    );
    renderWithProviders(<ShowRoute showId={SHOW_ID} />);
    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe("5"));

    focusManager.setFocused(false);
    const before = availabilityCalls(requests);
    await sleep(AVAILABILITY_POLL_MS + 500);
    expect(availabilityCalls(requests)).toBe(before);
  });

  it("says sold out, offers no purchase, and polls less often", async () => {
    const { requests } = stubApi((request) =>
      request.path.endsWith("/availability")
        ? json(200, { showId: SHOW_ID, remaining: 0, soldOut: true, onSale: true })
        : json(200, { show: aShow({ remaining: 0, soldOut: true }) }),
    );
    const { queryClient } = renderWithProviders(<ShowRoute showId={SHOW_ID} />);

    expect(await screen.findByTestId("sold-out-notice")).toBeTruthy();
    expect(screen.getAllByText("Sold out").length).toBeGreaterThan(0);
    expect(screen.queryByRole("button", { name: /^buy/i })).toBeNull();

    await waitFor(() => expect(availabilityCalls(requests)).toBe(1));
    const query = queryClient.getQueryCache().find({ queryKey: ["shows", "availability", SHOW_ID] });
    const interval = query?.observers[0]?.options.refetchInterval;
    expect(typeof interval === "function" ? interval(query as never) : interval).toBe(SOLD_OUT_POLL_MS);
  });

  it("says so when the show does not exist", async () => {
    stubApi(() => apiError(404, "show_not_found"));
    renderWithProviders(<ShowRoute showId="shw_missing" />);
    expect(await screen.findByRole("heading", { name: "Show not found" })).toBeTruthy();
  });

  it("shows a signed-out buyer the show and the live count, asks them to sign in at Buy, then buys", async () => {
    sessionStorage.clear();
    const { requests } = stubApi((request) => {
      if (request.path === `/shows/${SHOW_ID}`) return json(200, { show: aShow() });
      if (request.path.endsWith("/availability"))
        return json(200, { showId: SHOW_ID, remaining: 118, soldOut: false, onSale: true });
      if (request.path === "/auth/email") return json(202, { sent: true });
      if (request.path === "/auth/email/verify")
        return json(200, { token: "tok_fan", customer: { id: "cus_fan" }, expiresAt: "2099-01-01T00:00:00.000Z" });
      if (request.path === `/shows/${SHOW_ID}/orders`)
        return json(201, { order: anOrder({ quantity: 2, customerId: "cus_fan" }) });
      return apiError(404, "not_found");
    });
    const user = userEvent.setup();
    renderWithProviders(<ShowRoute showId={SHOW_ID} />);

    expect(await screen.findByRole("heading", { level: 1, name: "The Midnight Echoes" })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe("118"));
    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(screen.getByRole("button", { name: "Buy 2 tickets" }));

    // Asked inline, with the cursor already in the email field.
    expect(screen.getByRole("heading", { name: "Sign in to buy" })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Email address"));
    await user.keyboard("fan@example.com{Enter}");
    await user.type(await screen.findByLabelText("Code"), "123456{Enter}");

    // Signed in, the purchase goes on by itself, with the quantity picked before.
    await screen.findByTestId("purchase-success");
    const orders = requests.filter((r) => r.path === `/shows/${SHOW_ID}/orders`);
    expect(orders).toHaveLength(1);
    expect(orders[0]?.body).toEqual({ quantity: 2 });
    expect(orders[0]?.headers.authorization).toBe("Bearer tok_fan");
    expect(getSession()?.customerId).toBe("cus_fan");
    expect(screen.queryByRole("heading", { name: "Sign in to buy" })).toBeNull();
  });

  it.each([
    { remaining: 3, held: 2, soldOut: false, badge: "Only 3 left", buy: true, notice: null },
    { remaining: 0, held: 5, soldOut: false, badge: "All held · may come back", buy: false, notice: "all-held-notice" },
    { remaining: 0, held: 0, soldOut: true, badge: "Sold out", buy: false, notice: "sold-out-notice" },
  ])("with $remaining left and $held held it says $badge", async ({ remaining, held, soldOut, badge, buy, notice }) => {
    stubApi((request) =>
      request.path.endsWith("/availability")
        ? json(200, { showId: SHOW_ID, remaining, held, soldOut, onSale: true })
        : json(200, { show: aShow({ remaining: 100, held: 0 }) }),
    );
    renderWithProviders(<ShowRoute showId={SHOW_ID} />);

    await waitFor(() => expect(screen.getByTestId("remaining").textContent).toBe(String(remaining)));
    expect(screen.getByTestId("held").textContent).toBe(String(held));
    expect(screen.getByText(/held by buyers paying now/)).toBeTruthy();
    expect(screen.getByText(badge)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^Buy \d/ }) !== null).toBe(buy);
    for (const id of ["all-held-notice", "sold-out-notice"]) {
      expect(screen.queryByTestId(id) !== null, id).toBe(id === notice);
    }
  });
});
