// @vitest-environment jsdom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getSession } from "../../lib/session.ts";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow } from "../../testing/fixtures.ts";
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
  it("shows the status moving from accepted to persisted, then stops polling", async () => {
    let orderCalls = 0;
    const { requests } = stubApi((request) => {
      if (request.path.startsWith("/orders/")) {
        orderCalls += 1;
        return json(200, { order: anOrder({ persisted: orderCalls !== 1 }) });
      }
      return json(200, { show: aShow() });
    });
    renderWithProviders(<OrderRoute orderId={ORDER_ID} />);

    await waitFor(() => expect(screen.getByTestId("order-status").textContent).toBe("Accepted"));
    expect(screen.getByText(/being written to the order book/i)).toBeTruthy();
    expect(await screen.findByText("The Midnight Echoes")).toBeTruthy();

    await waitFor(() => expect(screen.getByTestId("order-status").textContent).toBe("Persisted"), { timeout: 2_500 });
    const settled = requests.filter((r) => r.path.startsWith("/orders/")).length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(requests.filter((r) => r.path.startsWith("/orders/")).length).toBe(settled);
    // Orders are private: every request for it carries the owner's token.
    for (const r of requests.filter((r) => r.path.startsWith("/orders/"))) {
      expect(r.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    }
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
    await new Promise((r) => setTimeout(r, 50));
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
