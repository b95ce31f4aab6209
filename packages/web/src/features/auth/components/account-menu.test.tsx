// @vitest-environment jsdom
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { getSession } from "../../../lib/session.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { signIn } from "../../../testing/session.ts";
import { AccountMenu } from "./account-menu.tsx";

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

describe("AccountMenu", () => {
  it("offers Sign in to a signed-out visitor, coming back to the page they were on", () => {
    renderWithProviders(<AccountMenu />, { path: "/shows/shw_1" });
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/sign-in?next=%2Fshows%2Fshw_1");
    expect(screen.queryByRole("link", { name: "My orders" })).toBeNull();
  });

  it("shows who is signed in, with My orders and Sign out", async () => {
    signIn({ email: "ada@example.com" });
    renderWithProviders(<AccountMenu />);
    expect(screen.getByTestId("signed-in-email").textContent).toBe("ada@example.com");
    expect(screen.getByRole("link", { name: "My orders" }).getAttribute("href")).toBe("/me/orders");

    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));

    expect(getSession()).toBeNull();
    expect(screen.getByRole("link", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByText("ada@example.com")).toBeNull();
  });
});
