// @vitest-environment jsdom
// One file: every case drives the same PurchasePanel through one stubbed API, a test per answer the panel must handle.

import { sleep } from "@hotseat/core/util";
import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ComponentProps } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { endSession, getSession, useSession } from "../../../lib/session.ts";
import { apiError, deferred, json, networkFailure, stubApi } from "../../../testing/api-stub.ts";
import { anOrder, SHOW_ID } from "../../../testing/fixtures.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { signIn, TEST_TOKEN } from "../../../testing/session.ts";
import { PurchasePanel } from "./purchase-panel.tsx";

const ORDERS_PATH = `/shows/${SHOW_ID}/orders`;

type PanelProps = ComponentProps<typeof PurchasePanel>;

/** The panel as a page uses it: the buyer is whoever the session says, and the sign-in slot signs them in. */
function PanelWithSession(props: Omit<PanelProps, "customerId" | "signIn">) {
  const session = useSession();
  return (
    <PurchasePanel
      {...props}
      customerId={session?.customerId ?? null}
      signIn={
        <button type="button" onClick={() => signIn({ customerId: "cus_again", token: "tok_again" })}>
          Pretend to sign in
        </button>
      }
    />
  );
}

function renderPanel(props: Partial<Omit<PanelProps, "customerId" | "signIn">> = {}) {
  const onSettled = vi.fn();
  const view = renderWithProviders(
    <PanelWithSession
      showId={SHOW_ID}
      priceCents={4900}
      maxPerCustomer={4}
      remaining={120}
      soldOut={false}
      onSale
      onSettled={onSettled}
      {...props}
    />,
  );
  return { ...view, onSettled, user: userEvent.setup() };
}

const buyButton = () => screen.getByRole("button", { name: /^buy \d+ tickets?$/i });
const keyOf = (request: { headers: Record<string, string> } | undefined) => request?.headers["idempotency-key"];

beforeEach(() => {
  signIn({ customerId: "cus_test" });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("PurchasePanel", () => {
  it("shows the purchase in progress, then the order on success", async () => {
    const response = deferred<Response>();
    const { requests } = stubApi(() => response.promise);
    const { user, onSettled } = renderPanel();

    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(buyButton());

    expect(await screen.findByText("Reserving your tickets…")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Buying…" }).hasAttribute("disabled")).toBe(true);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: ORDERS_PATH,
      body: { quantity: 2 },
    });
    expect(keyOf(requests[0])).toMatch(/^[\x21-\x7e]{8,128}$/);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);

    await act(async () => response.resolve(json(201, { order: anOrder({ quantity: 2 }) })));

    const success = await screen.findByTestId("purchase-success");
    expect(within(success).getByText(/you're in! 2 tickets reserved/i)).toBeTruthy();
    expect(within(success).getByTestId("order-id").textContent).toBe("ord_01J00000000000000000000001");
    expect(within(success).getByText("Confirmed")).toBeTruthy();
    expect(within(success).getByRole("link", { name: "Track your order" }).getAttribute("href")).toBe(
      "/orders/ord_01J00000000000000000000001",
    );
    expect(onSettled).toHaveBeenCalledTimes(1);
    // The answer takes focus, so a keyboard user continues from there.
    expect(document.activeElement).toBe(success);
  });

  it("for a held order counts the hold down and leads to checkout", async () => {
    const holdExpiresAt = new Date(Date.now() + 90_000).toISOString();
    stubApi(() => json(201, { order: anOrder({ quantity: 1, status: "held", holdExpiresAt }) }));
    const { user } = renderPanel();

    await user.click(buyButton());

    const success = await screen.findByTestId("purchase-success");
    expect(within(success).getByText(/1 ticket reserved/i)).toBeTruthy();
    expect(within(success).getByText("Held")).toBeTruthy();
    expect(within(success).getByRole("timer", { name: "Time left to pay" }).textContent).toMatch(/^1:(29|30)$/);
    expect(within(success).getByRole("link", { name: "Pay now" }).getAttribute("href")).toBe(
      "/orders/ord_01J00000000000000000000001/checkout",
    );
  });

  it("says sold out when the server has no ticket left", async () => {
    stubApi(() => apiError(409, "sold_out"));
    const { user } = renderPanel();

    await user.click(buyButton());

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("heading", { name: "Sold out" })).toBeTruthy();
  });

  it("offers what remains when not enough are left, as a new attempt", async () => {
    const { requests } = stubApi((request) =>
      (request.body as { quantity: number }).quantity > 2
        ? apiError(409, "insufficient_inventory", { remaining: 2 })
        : json(201, { order: anOrder({ quantity: 2 }) }),
    );
    const { user } = renderPanel();

    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(buyButton());

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("heading", { name: "Only 2 tickets left" })).toBeTruthy();
    await user.click(within(alert).getByRole("button", { name: "Buy the 2 that are left" }));

    await screen.findByTestId("purchase-success");
    expect(requests.map((r) => (r.body as { quantity: number }).quantity)).toEqual([3, 2]);
    // A different body needs a different key, or the server would rightly refuse it as a reused key.
    expect(keyOf(requests[1])).not.toBe(keyOf(requests[0]));
  });

  it("says when the per-customer limit is reached", async () => {
    stubApi(() => apiError(422, "limit_exceeded", { remaining: 0 }));
    const { user } = renderPanel();

    await user.click(buyButton());

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("heading", { name: "Limit reached" })).toBeTruthy();
    expect(within(alert).getByText(/maximum of 4 tickets/)).toBeTruthy();
  });

  it("offers the tickets still allowed under the limit", async () => {
    const { requests } = stubApi((request) =>
      (request.body as { quantity: number }).quantity > 1
        ? apiError(422, "limit_exceeded", { remaining: 1 })
        : json(201, { order: anOrder({ quantity: 1 }) }),
    );
    const { user } = renderPanel();

    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(buyButton());
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/you can buy 1 more/)).toBeTruthy();
    await user.click(within(alert).getByRole("button", { name: "Buy 1 ticket" }));

    await screen.findByTestId("purchase-success");
    expect(requests.map((r) => (r.body as { quantity: number }).quantity)).toEqual([2, 1]);
  });

  it("says when the show is not on sale", async () => {
    stubApi(() => apiError(409, "not_on_sale"));
    const { user } = renderPanel();

    await user.click(buyButton());

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("heading", { name: "Not on sale" })).toBeTruthy();
  });

  it("retries after a network failure with the same Idempotency-Key", async () => {
    const { requests } = stubApi((_request, call) =>
      call === 0 ? networkFailure() : json(200, { order: anOrder({ quantity: 1 }) }),
    );
    const { user } = renderPanel();

    await user.click(buyButton());
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("heading", { name: "We couldn't confirm your purchase" })).toBeTruthy();
    expect(within(alert).getByText(/couldn't reach the box office/)).toBeTruthy();
    // The outcome is unknown, so the quantity is locked until the retry answers.
    expect(screen.getByLabelText("Tickets").hasAttribute("disabled")).toBe(true);

    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    await screen.findByTestId("purchase-success");
    expect(requests).toHaveLength(2);
    expect(keyOf(requests[1])).toBe(keyOf(requests[0]));
    expect(requests[1]?.body).toEqual(requests[0]?.body);
  });

  it("retries after a server error with the same Idempotency-Key", async () => {
    const { requests } = stubApi((_request, call) =>
      call === 0 ? json(500, { code: "internal", message: "boom" }) : json(201, { order: anOrder({ quantity: 1 }) }),
    );
    const { user } = renderPanel();

    await user.click(buyButton());
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/had a problem/)).toBeTruthy();
    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    await screen.findByTestId("purchase-success");
    expect(keyOf(requests[1])).toBe(keyOf(requests[0]));
  });

  it("keeps trying by itself while the space is rehydrating, with the same key", async () => {
    const { requests } = stubApi((_request, call) =>
      call === 0
        ? apiError(503, "rehydrating", {}, { "Retry-After": "0" })
        : json(201, { order: anOrder({ quantity: 1 }) }),
    );
    const { user } = renderPanel();

    await user.click(buyButton());

    expect(await screen.findByText(/box office is busy, still trying/)).toBeTruthy();
    await screen.findByTestId("purchase-success");
    expect(requests).toHaveLength(2);
    expect(keyOf(requests[1])).toBe(keyOf(requests[0]));
  });

  it("buys once on a double click", async () => {
    const response = deferred<Response>();
    const { requests } = stubApi(() => response.promise);
    const { user } = renderPanel();
    const form = buyButton().closest("form") as HTMLFormElement;

    await user.dblClick(buyButton());
    // More submits inside one event loop turn, before React re-renders the disabled button.
    act(() => {
      fireEvent.submit(form);
      fireEvent.submit(form);
    });
    await act(async () => response.resolve(json(201, { order: anOrder({ quantity: 1 }) })));

    await screen.findByTestId("purchase-success");
    expect(requests).toHaveLength(1);
  });

  it("starts a new attempt, with a new key, for the next purchase after a success", async () => {
    const { requests } = stubApi(() => json(201, { order: anOrder({ quantity: 1 }) }));
    const { user } = renderPanel();

    await user.click(buyButton());
    await user.click(await screen.findByRole("button", { name: "Buy more" }));
    await user.click(buyButton());

    await screen.findByTestId("purchase-success");
    expect(requests).toHaveLength(2);
    expect(keyOf(requests[1])).not.toBe(keyOf(requests[0]));
  });

  it("can be bought with the keyboard alone", async () => {
    const { requests } = stubApi(() => json(201, { order: anOrder({ quantity: 3 }) }));
    const { user } = renderPanel();

    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("Tickets"));
    await user.keyboard("{Control>}a{/Control}3");
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "More tickets" }));
    await user.tab();
    expect(document.activeElement).toBe(buyButton());
    await user.keyboard("{Enter}");

    await screen.findByTestId("purchase-success");
    expect(requests[0]?.body).toEqual({ quantity: 3 });
  });

  it("bounds the quantity by the per-customer limit and by what remains", async () => {
    stubApi(() => json(201, { order: anOrder() }));
    const { user, unmount } = renderPanel({ maxPerCustomer: 3 });
    const more = screen.getByRole("button", { name: "More tickets" });
    for (let i = 0; i < 5; i++) await user.click(more);
    expect((screen.getByLabelText("Tickets") as HTMLInputElement).value).toBe("3");
    expect(more.hasAttribute("disabled")).toBe(true);
    expect(screen.getByText("Limit 3 per customer")).toBeTruthy();
    unmount();

    renderPanel({ maxPerCustomer: 6, remaining: 2 });
    expect(screen.getByLabelText("Tickets").getAttribute("max")).toBe("2");
  });

  it("offers no purchase when the show is sold out or not yet on sale", () => {
    stubApi(() => json(500, {}));
    const { unmount } = renderPanel({ soldOut: true, remaining: 0 });
    expect(screen.getByTestId("sold-out-notice")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^buy/i })).toBeNull();
    unmount();

    renderPanel({ onSale: false });
    expect(screen.getByText(/hasn't opened yet/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^buy/i })).toBeNull();
  });

  it("resumes a purchase a reload cut off, with the same key, and forgets it once answered", async () => {
    const never = deferred<Response>();
    const first = stubApi(() => never.promise);
    const { user, unmount } = renderPanel();
    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(buyButton());
    expect(first.requests).toHaveLength(1);
    const key = keyOf(first.requests[0]);
    // The page goes away before the answer arrives.
    unmount();
    vi.unstubAllGlobals();

    const second = stubApi(() => json(201, { order: anOrder({ quantity: 2 }) }));
    renderPanel();
    expect(await screen.findByTestId("purchase-success")).toBeTruthy();
    expect(second.requests).toHaveLength(1);
    expect(second.requests[0]).toMatchObject({ method: "POST", body: { quantity: 2 } });
    expect(keyOf(second.requests[0])).toBe(key);
    cleanup();
    vi.unstubAllGlobals();

    // Answered: the next visit starts fresh.
    const third = stubApi(() => json(500, {}));
    renderPanel();
    await act(() => sleep(20));
    expect(third.requests).toHaveLength(0);
    expect(buyButton()).toBeTruthy();
  });

  it("does not resume another customer's attempt", async () => {
    sessionStorage.setItem(
      `hotseat.purchase.${SHOW_ID}`,
      JSON.stringify({ key: "buy_someone_else_key", customerId: "other_buyer", quantity: 1 }),
    );
    const { requests } = stubApi(() => json(500, {}));
    renderPanel();
    await act(() => sleep(20));
    expect(requests).toHaveLength(0);
  });

  it("every control has a label", () => {
    stubApi(() => json(500, {}));
    renderPanel();
    for (const control of screen.getAllByRole("button")) expect(control.textContent || control.ariaLabel).toBeTruthy();
    expect(screen.getByRole("spinbutton", { name: "Tickets" })).toBeTruthy();
  });

  it("asks a signed-out buyer to sign in at Buy, then buys what they picked", async () => {
    endSession("signed_out");
    const { requests } = stubApi(() => json(201, { order: anOrder({ quantity: 2 }) }));
    const { user } = renderPanel();
    expect(screen.getByText(/sign in with your email first/)).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(buyButton());

    // Nothing is sent without a buyer: the panel asks them to sign in instead of the Buy button.
    expect(requests).toHaveLength(0);
    const prompt = screen.getByTestId("purchase-sign-in");
    expect(screen.queryByRole("button", { name: /^buy \d/i })).toBeNull();
    await user.click(within(prompt).getByRole("button", { name: "Pretend to sign in" }));

    await screen.findByTestId("purchase-success");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: ORDERS_PATH, body: { quantity: 2 } });
    expect(requests[0]?.headers.authorization).toBe("Bearer tok_again");
    expect(screen.queryByTestId("purchase-sign-in")).toBeNull();
  });

  it("lets a signed-out buyer back out of signing in", async () => {
    endSession("signed_out");
    const { requests } = stubApi(() => json(500, {}));
    const { user } = renderPanel();

    await user.click(buyButton());
    await user.click(within(screen.getByTestId("purchase-sign-in")).getByRole("button", { name: "Cancel" }));

    expect(screen.queryByTestId("purchase-sign-in")).toBeNull();
    expect(buyButton()).toBeTruthy();
    expect(requests).toHaveLength(0);
  });

  it("signs the buyer out when the API refuses their token, and finishes the purchase once they sign in again", async () => {
    const { requests } = stubApi((request) =>
      request.headers.authorization === `Bearer ${TEST_TOKEN}`
        ? apiError(401, "unauthorized")
        : json(201, { order: anOrder({ quantity: 2 }) }),
    );
    const { user } = renderPanel();

    await user.click(screen.getByRole("button", { name: "More tickets" }));
    await user.click(buyButton());

    const prompt = await screen.findByTestId("purchase-sign-in");
    expect(getSession()).toBeNull();
    expect(screen.queryByTestId("purchase-success")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    await user.click(within(prompt).getByRole("button", { name: "Pretend to sign in" }));

    await screen.findByTestId("purchase-success");
    expect(requests.map((r) => [r.headers.authorization, (r.body as { quantity: number }).quantity])).toEqual([
      [`Bearer ${TEST_TOKEN}`, 2],
      ["Bearer tok_again", 2],
    ]);
    // The refusal was definite (nothing taken), so the purchase after signing in is a new attempt.
    expect(keyOf(requests[1])).not.toBe(keyOf(requests[0]));
  });
});
