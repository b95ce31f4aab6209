// @vitest-environment jsdom
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getSession } from "../../lib/session.ts";
import { json, stubApi } from "../../testing/api-stub.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { signIn } from "../../testing/session.ts";
import { nextPath, SignInRoute } from "./sign-in.tsx";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("SignInRoute", () => {
  it("goes back to the page the buyer came from once signed in", async () => {
    stubApi((request) =>
      request.path === "/auth/email"
        ? json(202, { sent: true })
        : json(200, { token: "tok_fan", customer: { id: "cus_fan" }, expiresAt: "2099-01-01T00:00:00.000Z" }),
    );
    const user = userEvent.setup();
    const { location } = renderWithProviders(<SignInRoute />, { path: "/sign-in?next=%2Fshows%2Fshw_1" });
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Email address"));

    await user.keyboard("fan@example.com{Enter}");
    await user.type(await screen.findByLabelText("Code"), "123456{Enter}");

    await vi.waitFor(() => expect(location.history).toEqual(["/shows/shw_1"]));
    expect(getSession()?.customerId).toBe("cus_fan");
  });

  it("says who is signed in to a buyer who already is", () => {
    signIn({ email: "ada@example.com" });
    renderWithProviders(<SignInRoute />, { path: "/sign-in" });
    expect(screen.getByRole("heading", { name: "You're signed in" })).toBeTruthy();
    expect(screen.getByText("ada@example.com")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Continue" }).getAttribute("href")).toBe("/me/orders");
  });

  it("only goes to a page of this site", () => {
    expect(nextPath("?next=%2Fme%2Forders")).toBe("/me/orders");
    expect(nextPath("?next=%2Fshows%2Fshw_1")).toBe("/shows/shw_1");
    for (const evil of [
      "?next=https%3A%2F%2Fevil.example",
      "?next=%2F%2Fevil.example",
      "?next=%2F%5Cevil.example",
      "",
    ]) {
      expect(nextPath(evil), evil).toBe("/me/orders");
    }
  });
});
