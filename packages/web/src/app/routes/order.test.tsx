// @vitest-environment jsdom

import { sleep } from "@hotseat/core/util";
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getSession } from "../../lib/session.ts";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow, SHOW_ID } from "../../testing/fixtures.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { signIn, TEST_TOKEN } from "../../testing/session.ts";
import { OrderRoute } from "./order.tsx";

const ORDER_ID = anOrder().id;

beforeEach(() => {
  signIn();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("OrderRoute", () => {
  it("shows a free show's order confirmed, moving from saving to persisted, then stops polling", async () => {
    let orderCalls = 0;
    const { requests } = stubApi((request) => {
      if (request.path.startsWith("/orders/")) {
        orderCalls += 1;
        return json(200, { order: anOrder({ priceCents: 0, persisted: orderCalls !== 1 }) });
      }
      return json(200, { show: aShow() });
    });
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);

    await waitFor(() => expect(screen.getByTestId("order-status").textContent).toBe("Confirmed"));
    expect(screen.getByTestId("order-persisted").textContent).toBe("Saving…");
    expect(screen.getByText(/being written to the order book/i)).toBeTruthy();
    expect(screen.getByText(/this show is free/i)).toBeTruthy();
    expect(await screen.findByText("The Midnight Echoes")).toBeTruthy();

    await waitFor(() => expect(screen.getByTestId("order-persisted").textContent).toBe("Persisted"), {
      timeout: 2_500,
    });
    const settled = requests.filter((r) => r.path.startsWith("/orders/")).length;
    await sleep(1_500);
    expect(requests.filter((r) => r.path.startsWith("/orders/")).length).toBe(settled);
    // Orders are private: every request for it carries the owner's token.
    for (const r of requests.filter((r) => r.path.startsWith("/orders/"))) {
      expect(r.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    }
  });

  it("shows a held order's countdown and a link to pay, and at the deadline reads it again: expired", async () => {
    const holdExpiresAt = new Date(Date.now() + 1_200).toISOString();
    const { requests } = stubApi((request) => {
      if (!request.path.startsWith("/orders/")) return json(200, { show: aShow() });
      const lapsed = Date.now() >= Date.parse(holdExpiresAt);
      return json(200, { order: anOrder({ status: lapsed ? "expired" : "held", holdExpiresAt, persisted: true }) });
    });
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);

    await waitFor(() => expect(screen.getByTestId("order-status").textContent).toBe("Held"));
    expect(screen.getByRole("timer", { name: "Time left to pay" }).textContent).toMatch(/^0:0[12]$/);
    expect(screen.getByRole("link", { name: "Pay now" }).getAttribute("href")).toBe(`/orders/${ORDER_ID}/checkout`);
    const readsWhileHeld = requests.filter((r) => r.path.startsWith("/orders/")).length;

    // Polling while held is slow (5 s): the deadline itself asks again, well before the next poll.
    await waitFor(() => expect(screen.getByTestId("order-status").textContent).toBe("Expired"), { timeout: 2_500 });
    expect(requests.filter((r) => r.path.startsWith("/orders/")).length).toBeGreaterThan(readsWhileHeld);
    expect(screen.getByText(/the hold ran out/i)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Back to the show" }).getAttribute("href")).toBe(`/shows/${SHOW_ID}`);
    expect(screen.queryByRole("timer")).toBeNull();
    expect(screen.queryByRole("link", { name: "Pay now" })).toBeNull();
  });

  it.each([
    ["confirmed", "Confirmed", /paid\. your 2 tickets are yours/i],
    ["cancelled", "Cancelled", /you released these tickets/i],
    ["refunded", "Refunded", /the money for these 2 tickets went back to you/i],
  ] as const)("says what a %s order means", async (status, label, text) => {
    stubApi((request) =>
      request.path.startsWith("/orders/")
        ? json(200, { order: anOrder({ status, persisted: true }) })
        : json(200, { show: aShow() }),
    );
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);
    await waitFor(() => expect(screen.getByTestId("order-status").textContent).toBe(label));
    expect(screen.getByText(text)).toBeTruthy();
    expect(screen.queryByTestId("late-payment-refunded")).toBeNull();
    expect(screen.queryByRole("link", { name: "Pay now" })).toBeNull();
  });

  it("says when a payment came after the hold ran out and was refunded", async () => {
    stubApi((request) =>
      request.path.startsWith("/orders/")
        ? json(200, { order: anOrder({ status: "expired", note: "late_payment_refunded", persisted: true }) })
        : json(200, { show: aShow() }),
    );
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);
    const note = await screen.findByTestId("late-payment-refunded");
    expect(note.textContent).toMatch(/arrived after the hold had run out.*refunded in full/);
    expect(screen.getByTestId("order-status").textContent).toBe("Expired");
  });

  it("says when a card was authorized after the hold ran out and was never charged", async () => {
    stubApi((request) =>
      request.path.startsWith("/orders/")
        ? json(200, { order: anOrder({ status: "expired", note: "late_payment_released", persisted: true }) })
        : json(200, { show: aShow() }),
    );
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);
    const note = await screen.findByTestId("late-payment-released");
    expect(note.textContent).toMatch(/after the hold had run out.*never charged/);
    expect(screen.queryByTestId("late-payment-refunded")).toBeNull();
  });

  it("says so when the order does not exist", async () => {
    stubApi(() => apiError(404, "order_not_found"));
    renderWithProviders(<OrderRoute orderId="ord_missing" />);
    expect(await screen.findByRole("heading", { name: "Order not found" })).toBeTruthy();
  });

  it("asks a signed-out visitor to sign in and asks the API for nothing", async () => {
    sessionStorage.clear();
    const { requests } = stubApi(() => json(200, { order: anOrder() }));
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);

    expect(screen.getByRole("heading", { name: "Sign in to see this order" })).toBeTruthy();
    expect(screen.getByLabelText("Email address")).toBeTruthy();
    await sleep(50);
    expect(requests).toHaveLength(0);
  });

  it("signs the buyer out and asks them to sign in again when the API refuses the token", async () => {
    stubApi(() => apiError(401, "unauthorized"));
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);

    expect(await screen.findByRole("heading", { name: "Sign in to see this order" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/sign in again/i);
    expect(getSession()).toBeNull();
  });
});
