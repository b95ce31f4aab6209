// @vitest-environment jsdom
// One file: the checkout route's cases under both providers (test card, Stripe Elements) share one stubbed API and fixtures.
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiError, deferred, json, type RecordedRequest, stubApi } from "../../testing/api-stub.ts";
import { anOrder, aShow, SHOW_ID } from "../../testing/fixtures.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { signIn, TEST_TOKEN } from "../../testing/session.ts";
import type { Order } from "../../types/api.ts";
import { AppRouter } from "../router.tsx";

// Stripe.js is never fetched in a test: its loader hands back a stand-in that records what the page asks of it.
const stripe = vi.hoisted(() => {
  const payment = { mount: vi.fn(), destroy: vi.fn() };
  const elements = { create: vi.fn(() => payment) };
  const instance = { elements: vi.fn(() => elements), confirmPayment: vi.fn() };
  return { payment, elements, instance, loadStripe: vi.fn(async () => instance) };
});
vi.mock("@stripe/stripe-js/pure", () => ({ loadStripe: stripe.loadStripe }));

const PAYS = "4242424242424242";
const DECLINES = "4000000000000002";
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/**
 * The checkout API as the server keeps it: orders by id, held until paid, released or past their deadline (read
 * after the deadline, a held order is expired, as the space makes it within a second).
 */
function fakeApi(options: { provider?: "test" | "stripe"; holdSeconds?: number } = {}) {
  const holdSeconds = options.holdSeconds ?? 600;
  const orders = new Map<string, Order>();
  let made = 0;
  const place = (quantity: number) => {
    made += 1;
    const order = anOrder({
      id: `ord_${String(made).padStart(26, "0")}`,
      quantity,
      status: "held",
      holdExpiresAt: inSeconds(holdSeconds),
    });
    orders.set(order.id, order);
    return order;
  };
  const current = (id: string) => {
    const order = orders.get(id);
    if (order?.status === "held" && Date.parse(order.holdExpiresAt ?? "") <= Date.now()) {
      orders.set(id, { ...order, status: "expired" });
    }
    return orders.get(id);
  };
  const stub = stubApi((request: RecordedRequest) => {
    const [, root, id, action] = request.path.split("/");
    if (root === "shows" && action === "orders" && request.method === "POST") {
      return json(201, { order: place((request.body as { quantity: number }).quantity) });
    }
    if (root === "shows") return json(200, { show: aShow() });
    const order = id ? current(id) : undefined;
    if (root !== "orders" || !order) return apiError(404, "order_not_found");
    if (!action) return json(200, { order });
    if (action === "checkout") {
      if (order.status === "expired") return apiError(409, "hold_expired");
      const checkout = {
        provider: options.provider ?? "test",
        expiresAt: order.holdExpiresAt,
        amountCents: order.priceCents * order.quantity,
        currency: "usd",
        ...(options.provider === "stripe" ? { clientSecret: "pi_secret" } : {}),
      };
      return json(200, { checkout });
    }
    if (order.status === "expired") return apiError(409, "hold_expired");
    if (action === "test-payment") {
      if (order.status !== "held") return apiError(409, "not_payable");
      const { card } = request.body as { card: string };
      if (card === DECLINES) return apiError(402, "payment_declined");
      if (card !== PAYS) return apiError(402, "payment_declined");
      const paid = { ...order, status: "confirmed" as const };
      orders.set(order.id, paid);
      return json(200, { order: paid });
    }
    if (action === "cancel") {
      if (order.status === "confirmed") return apiError(409, "not_cancellable");
      const released = { ...order, status: "cancelled" as const };
      orders.set(order.id, released);
      return json(200, { order: released });
    }
    return apiError(404, "not_found");
  });
  return { ...stub, orders, place };
}

function renderCheckout(orderId: string) {
  const view = renderWithProviders(<AppRouter />, { path: `/orders/${orderId}/checkout` });
  return { ...view, user: userEvent.setup() };
}

const cardField = () => screen.getByRole("textbox", { name: "Card number" });
/** The checkout page with its payment started (the card form shows once the API answered). */
const paymentReady = () => screen.findByRole("textbox", { name: "Card number" });
const payments = (requests: RecordedRequest[]) => requests.filter((r) => r.path.endsWith("/test-payment"));

beforeEach(() => {
  signIn();
  vi.spyOn(window, "scrollTo").mockImplementation(() => {});
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  sessionStorage.clear();
});

describe("CheckoutRoute with the test provider", () => {
  it("counts the hold down, marks test payments, pays with the test card and moves to confirmed", async () => {
    const api = fakeApi({ holdSeconds: 125 });
    const order = api.place(2);
    const { user } = renderCheckout(order.id);

    const checkout = await screen.findByRole("region", { name: "Checkout" });
    await within(checkout).findByRole("textbox", { name: "Card number" });
    const timer = within(checkout).getByRole("timer", { name: "Time left to pay" });
    expect(timer.textContent).toMatch(/^2:0[45]$/);
    expect(within(checkout).getByText(/test payments: no money moves/i)).toBeTruthy();
    expect(within(checkout).getByText("4242 4242 4242 4242")).toBeTruthy();
    expect(within(checkout).getByText("4000 0000 0000 0002")).toBeTruthy();
    expect(api.requests.find((r) => r.path.endsWith("/checkout"))?.method).toBe("POST");

    await user.clear(cardField());
    await user.type(cardField(), "4242 4242 4242 4242");
    await user.click(within(checkout).getByRole("button", { name: "Pay $98.00" }));

    const confirmed = await screen.findByRole("region", { name: "Payment received: you're going!" });
    expect(within(confirmed).getByText(/2 tickets are confirmed and paid/)).toBeTruthy();
    expect(within(confirmed).getByRole("link", { name: "View your order" }).getAttribute("href")).toBe(
      `/orders/${order.id}`,
    );
    expect(payments(api.requests).map((r) => r.body)).toEqual([{ card: PAYS }]);
    for (const r of api.requests.filter((r) => r.path.startsWith("/orders/"))) {
      expect(r.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    }
    expect(screen.queryByRole("timer")).toBeNull();
  });

  it("says a declined card was declined, keeps the hold and pays with the next card", async () => {
    const api = fakeApi();
    const order = api.place(1);
    const { user } = renderCheckout(order.id);
    await paymentReady();

    await user.clear(cardField());
    await user.type(cardField(), DECLINES);
    await user.click(screen.getByRole("button", { name: "Pay $49.00" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/your card was declined/i);
    expect(alert.textContent).toMatch(/still held/i);
    expect(document.activeElement).toBe(alert);
    expect(cardField().getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("timer")).toBeTruthy();
    expect(api.orders.get(order.id)?.status).toBe("held");

    await user.clear(cardField());
    await user.type(cardField(), PAYS);
    expect(screen.queryByRole("alert")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Pay $49.00" }));

    expect(await screen.findByRole("region", { name: "Payment received: you're going!" })).toBeTruthy();
    expect(payments(api.requests).map((r) => r.body)).toEqual([{ card: DECLINES }, { card: PAYS }]);
  });

  it("does not pay twice on a double click", async () => {
    const api = fakeApi();
    const order = api.place(1);
    const { user } = renderCheckout(order.id);
    await paymentReady();
    const slow = deferred<void>();
    const real = globalThis.fetch;
    vi.stubGlobal("fetch", async (...args: Parameters<typeof fetch>) => {
      if (String(args[0]).endsWith("/test-payment")) await slow.promise;
      return real(...args);
    });

    const pay = screen.getByRole("button", { name: "Pay $49.00" });
    await user.dblClick(pay);
    expect(await screen.findByRole("button", { name: "Paying…" })).toHaveProperty("disabled", true);
    await act(async () => slow.resolve());
    await screen.findByRole("region", { name: "Payment received: you're going!" });
    expect(payments(api.requests)).toHaveLength(1);
  });

  it("at zero shows the hold expired (read again from the API) and buys again with a new Idempotency-Key", async () => {
    const api = fakeApi({ holdSeconds: 1.2 });
    const order = api.place(2);
    const { user, location } = renderCheckout(order.id);
    await screen.findByRole("region", { name: "Checkout" });
    const ordersRead = () => api.requests.filter((r) => r.path === `/orders/${order.id}` && r.method === "GET");
    const readsBefore = ordersRead().length;

    const expired = await screen.findByRole("region", { name: "Your hold expired" }, { timeout: 3_000 });
    expect(expired.textContent).toMatch(/went back on sale\. Nothing was charged/);
    expect(screen.queryByRole("button", { name: /^Pay/ })).toBeNull();
    // The deadline made the page ask the API again, which now says expired.
    await waitFor(() => expect(ordersRead().length).toBeGreaterThan(readsBefore));
    await waitFor(() => expect(api.orders.get(order.id)?.status).toBe("expired"));

    await user.click(within(expired).getByRole("button", { name: "Buy 2 tickets again" }));
    await waitFor(() => expect(location.history.at(-1)).toBe(`/orders/ord_${"2".padStart(26, "0")}/checkout`));
    expect(await screen.findByRole("region", { name: "Checkout" })).toBeTruthy();

    // The second hold lapses too: buying again once more sends yet another key.
    const again = await screen.findByRole("region", { name: "Your hold expired" }, { timeout: 3_000 });
    await user.click(within(again).getByRole("button", { name: "Buy 2 tickets again" }));
    await waitFor(() => expect(location.history.at(-1)).toBe(`/orders/ord_${"3".padStart(26, "0")}/checkout`));

    const purchases = api.requests.filter((r) => r.path === `/shows/${SHOW_ID}/orders`);
    expect(purchases.map((r) => r.body)).toEqual([{ quantity: 2 }, { quantity: 2 }]);
    const keys = purchases.map((r) => r.headers["idempotency-key"]);
    expect(keys.every((k) => /^[\x21-\x7e]{8,128}$/.test(k ?? ""))).toBe(true);
    expect(new Set(keys).size).toBe(2);
  });

  it("shows the hold expired when paying finds it lapsed (the API's 409 hold_expired)", async () => {
    const api = fakeApi();
    const order = api.place(1);
    const { user } = renderCheckout(order.id);
    await paymentReady();
    // The server's clock is ahead of this one: the hold lapsed there already.
    api.orders.set(order.id, { ...order, holdExpiresAt: new Date(Date.now() - 1).toISOString() });

    await user.click(screen.getByRole("button", { name: "Pay $49.00" }));
    expect(await screen.findByRole("region", { name: "Your hold expired" })).toBeTruthy();
  });

  it("releases the tickets on request, and offers to buy them again", async () => {
    const api = fakeApi();
    const order = api.place(3);
    const { user } = renderCheckout(order.id);
    await screen.findByRole("region", { name: "Checkout" });

    await user.click(screen.getByRole("button", { name: "Release tickets" }));

    const released = await screen.findByRole("region", { name: "Tickets released" });
    expect(released.textContent).toMatch(/3 tickets are back on sale/);
    expect(within(released).getByRole("button", { name: "Buy 3 tickets again" })).toBeTruthy();
    expect(api.requests.filter((r) => r.path === `/orders/${order.id}/cancel`)).toHaveLength(1);
    expect(api.orders.get(order.id)?.status).toBe("cancelled");
  });

  it("shows an order already paid as confirmed, without starting a payment", async () => {
    const api = fakeApi();
    const order = api.place(1);
    api.orders.set(order.id, { ...order, status: "confirmed" });
    renderCheckout(order.id);

    expect(await screen.findByRole("region", { name: "Payment received: you're going!" })).toBeTruthy();
    expect(api.requests.filter((r) => r.path.endsWith("/checkout"))).toHaveLength(0);
  });

  it("asks a signed-out buyer to sign in", async () => {
    sessionStorage.clear();
    const api = fakeApi();
    renderCheckout(api.place(1).id);
    expect(screen.getByRole("heading", { name: "Sign in to pay" })).toBeTruthy();
    expect(api.requests.filter((r) => r.path.startsWith("/orders/"))).toHaveLength(0);
  });
});

describe("CheckoutRoute with Stripe", () => {
  afterEach(() => {
    delete window.__HOTSEAT_STRIPE_KEY__;
  });

  it("without a publishable key says Stripe checkout is not set up, and loads no Stripe.js", async () => {
    const api = fakeApi({ provider: "stripe" });
    renderCheckout(api.place(1).id);

    expect(await screen.findByTestId("stripe-checkout")).toBeTruthy();
    expect(screen.getByText(/is not set up on this storefront/)).toBeTruthy();
    expect(screen.queryByRole("textbox", { name: "Card number" })).toBeNull();
    expect(screen.queryByText(/test payments/i)).toBeNull();
    expect(screen.getByRole("button", { name: "Release tickets" })).toBeTruthy();
    expect(stripe.loadStripe).not.toHaveBeenCalled();
  });

  it("with the key from /config.js mounts Stripe Elements for the order's PaymentIntent, shows a decline, and confirms once the webhook has", async () => {
    window.__HOTSEAT_STRIPE_KEY__ = "pk_test_hotseat";
    const api = fakeApi({ provider: "stripe" });
    const order = api.place(1);
    stripe.instance.confirmPayment
      .mockResolvedValueOnce({ error: { type: "card_error", message: "Your card was declined." } })
      .mockImplementationOnce(async () => {
        // Stripe's webhook reaches the API a moment after the card is accepted.
        setTimeout(() => api.orders.set(order.id, { ...order, status: "confirmed" }), 300);
        return { paymentIntent: { id: "pi_1", status: "succeeded" } };
      });
    const { user } = renderCheckout(order.id);

    const form = await screen.findByRole("form", { name: "Pay by card" });
    const pay = await within(form).findByRole("button", { name: "Pay $49.00" });
    await waitFor(() => expect(pay).toHaveProperty("disabled", false));
    expect(stripe.loadStripe).toHaveBeenCalledWith("pk_test_hotseat");
    expect(stripe.instance.elements).toHaveBeenCalledWith({ clientSecret: "pi_secret" });
    expect(stripe.elements.create).toHaveBeenCalledWith("payment");
    expect(stripe.payment.mount).toHaveBeenCalledWith(expect.any(HTMLDivElement));
    expect(screen.queryByText(/test payments/i)).toBeNull();

    await user.click(pay);
    expect((await within(form).findByRole("alert")).textContent).toMatch(
      /Your card was declined\. Your tickets are still held/,
    );

    await user.click(pay);
    expect(await screen.findByText("Payment received: confirming your order…")).toBeTruthy();
    expect(
      await screen.findByRole("region", { name: "Payment received: you're going!" }, { timeout: 3_000 }),
    ).toBeTruthy();
    expect(stripe.instance.confirmPayment).toHaveBeenCalledTimes(2);
    expect(stripe.instance.confirmPayment.mock.calls[0]?.[0]).toMatchObject({
      elements: stripe.elements,
      redirect: "if_required",
    });
    // Nothing went to the test provider: Stripe took the card.
    expect(api.requests.filter((r) => r.path.endsWith("/test-payment"))).toHaveLength(0);
    expect(stripe.payment.destroy).toHaveBeenCalled();
  });
});
