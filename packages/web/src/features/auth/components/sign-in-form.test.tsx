// @vitest-environment jsdom
import { act, cleanup, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { endSession, getSession, getSessionState } from "../../../lib/session.ts";
import { apiError, json, type RecordedRequest, stubApi } from "../../../testing/api-stub.ts";
import { renderWithProviders } from "../../../testing/render.tsx";
import { signIn } from "../../../testing/session.ts";
import { SignInForm } from "./sign-in-form.tsx";

const EMAIL = "fan@example.com";
const RIGHT_CODE = "482913";
const EXPIRES_AT = "2099-01-01T00:00:00.000Z";

/** A stand-in for the API's sign-in: any well-formed address gets a code; only RIGHT_CODE signs in. */
function signInApi(request: RecordedRequest) {
  const body = request.body as { email?: string; code?: string };
  if (request.path === "/auth/email") {
    return body.email?.includes("@") ? json(202, { sent: true }) : apiError(400, "invalid_request");
  }
  if (request.path === "/auth/email/verify") {
    return body.email === EMAIL && body.code === RIGHT_CODE
      ? json(200, { token: "tok_signed", customer: { id: "cus_42" }, expiresAt: EXPIRES_AT })
      : apiError(401, "invalid_code");
  }
  return apiError(404, "not_found");
}

function renderForm(props: Parameters<typeof SignInForm>[0] = {}) {
  const onSignedIn = vi.fn();
  renderWithProviders(<SignInForm onSignedIn={onSignedIn} {...props} />);
  return { onSignedIn, user: userEvent.setup() };
}

async function askForCode(user: ReturnType<typeof userEvent.setup>, email = EMAIL) {
  await user.type(screen.getByLabelText("Email address"), email);
  await user.click(screen.getByRole("button", { name: "Email me a code" }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
  delete window.__HOTSEAT_LOCAL_OUTBOX__;
});

describe("SignInForm", () => {
  it("signs in with the email, then the code, and keeps the token for the session", async () => {
    const { requests } = stubApi(signInApi);
    const { user, onSignedIn } = renderForm();

    await askForCode(user);
    expect(await screen.findByText(EMAIL)).toBeTruthy();
    expect(requests[0]).toMatchObject({ method: "POST", path: "/auth/email", body: { email: EMAIL } });
    // The cursor moves to the code, where the buyer types next.
    expect(document.activeElement).toBe(screen.getByLabelText("Code"));

    await user.type(screen.getByLabelText("Code"), RIGHT_CODE);
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(requests[1]).toMatchObject({
      method: "POST",
      path: "/auth/email/verify",
      body: { email: EMAIL, code: RIGHT_CODE },
    });
    expect(getSession()).toEqual({ token: "tok_signed", customerId: "cus_42", email: EMAIL, expiresAt: EXPIRES_AT });
  });

  it("says so when the code is wrong, and signs in with the right one after", async () => {
    stubApi(signInApi);
    const { user, onSignedIn } = renderForm();
    await askForCode(user);

    await user.type(await screen.findByLabelText("Code"), "000000");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/wrong, has expired or was already used/);
    expect(getSession()).toBeNull();
    expect(onSignedIn).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText("Code"));
    await user.type(screen.getByLabelText("Code"), ` ${RIGHT_CODE.slice(0, 3)} ${RIGHT_CODE.slice(3)} `);
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(getSession()?.customerId).toBe("cus_42"));
  });

  it("says how long to wait when too many codes were asked for (429 with Retry-After)", async () => {
    const { requests } = stubApi(() => apiError(429, "rate_limited", {}, { "Retry-After": "1200" }));
    const { user } = renderForm();

    await askForCode(user);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/Too many codes were asked for\. You can ask again in 20 minutes\./);
    // Still on the email step: no code was sent.
    expect(screen.queryByLabelText("Code")).toBeNull();
    expect(requests).toHaveLength(1);
  });

  it("says when the address is not one", async () => {
    stubApi(signInApi);
    const { user } = renderForm();
    await askForCode(user, "not-an-address");
    expect((await screen.findByRole("alert")).textContent).toMatch(/doesn't look like an email address/);
  });

  it("sends a new code on request, and can start over with another address", async () => {
    const { requests } = stubApi(signInApi);
    const { user } = renderForm();
    await askForCode(user);

    await user.click(await screen.findByRole("button", { name: "Send a new code" }));
    expect((await screen.findByRole("status")).textContent).toMatch(`A new code is on its way to ${EMAIL}`);
    expect(requests.map((r) => r.path)).toEqual(["/auth/email", "/auth/email"]);

    await user.click(screen.getByRole("button", { name: "Use a different email" }));
    expect(screen.getByLabelText("Email address")).toBeTruthy();
    expect(screen.queryByLabelText("Code")).toBeNull();
  });

  it("links to the local outbox from the code step in local mode only", async () => {
    stubApi(signInApi);
    const { user } = renderForm();
    await askForCode(user);
    await screen.findByLabelText("Code");
    expect(screen.queryByRole("link", { name: "Open the local outbox" })).toBeNull();
    cleanup();

    window.__HOTSEAT_LOCAL_OUTBOX__ = "/local/outbox";
    const local = renderForm();
    await askForCode(local.user);
    const link = await screen.findByRole("link", { name: "Open the local outbox" });
    expect(link.getAttribute("href")).toBe("/outbox");
    // A new tab, so the code step stays where it is.
    expect(link.getAttribute("target")).toBe("_blank");
  });

  it("tells the buyer why they are asked again after the token expired or was refused", () => {
    stubApi(signInApi);
    signIn();
    act(() => endSession("refused"));
    renderForm();
    expect(getSessionState().reason).toBe("refused");
    expect(screen.getByRole("status").textContent).toMatch(/no longer valid\. Sign in again/);
  });

  it("says nothing about a sign-out the buyer chose", () => {
    stubApi(signInApi);
    signIn();
    act(() => endSession("signed_out"));
    renderForm();
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("every control has a label", async () => {
    stubApi(signInApi);
    const { user } = renderForm();
    const form = screen.getByRole("region", { name: "Sign in" });
    expect(within(form).getByRole("textbox", { name: "Email address" })).toBeTruthy();
    await askForCode(user);
    expect(await within(form).findByRole("textbox", { name: "Code" })).toBeTruthy();
  });
});
