// @vitest-environment jsdom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError, json, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow } from "../../testing/fixtures.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { OrderRoute } from "./order.tsx";

const ORDER_ID = anOrder().id;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
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
  });

  it("says so when the order does not exist", async () => {
    stubApi(() => apiError(404, "order_not_found"));
    renderWithProviders(<OrderRoute orderId="ord_missing" />);
    expect(await screen.findByRole("heading", { name: "Order not found" })).toBeTruthy();
  });
});
