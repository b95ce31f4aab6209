// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { aSession } from "../testing/session.ts";
import { endSession, getSession, getSessionState, startSession, useSessionState } from "./session.ts";

afterEach(() => {
  vi.useRealTimers();
  sessionStorage.clear();
});

describe("buyer session", () => {
  it("is kept in sessionStorage for the tab, and ends on sign-out", () => {
    const session = aSession();
    startSession(session);
    expect(getSession()).toEqual(session);
    expect(JSON.parse(sessionStorage.getItem("hotseat.session") ?? "null")).toEqual(session);
    expect(localStorage.length).toBe(0);

    endSession("signed_out");
    expect(getSession()).toBeNull();
    expect(sessionStorage.getItem("hotseat.session")).toBeNull();
    expect(getSessionState().reason).toBe("signed_out");
  });

  it("is read back after a reload (from storage, not memory)", () => {
    const session = aSession({ customerId: "cus_reloaded" });
    sessionStorage.setItem("hotseat.session", JSON.stringify(session));
    expect(getSession()).toEqual(session);
  });

  it("drops a token past its expiry and says it expired", () => {
    sessionStorage.setItem(
      "hotseat.session",
      JSON.stringify(aSession({ expiresAt: new Date(Date.now() - 1_000).toISOString() })),
    );
    expect(getSession()).toBeNull();
    expect(getSessionState().reason).toBe("expired");
    expect(sessionStorage.getItem("hotseat.session")).toBeNull();
  });

  it("ignores what is not a session", () => {
    for (const stored of [
      "{not json",
      JSON.stringify({ token: "t" }),
      JSON.stringify(aSession({ expiresAt: "soon" })),
    ]) {
      sessionStorage.setItem("hotseat.session", stored);
      expect(getSession(), stored).toBeNull();
    }
  });

  it("signs the buyer out by itself the moment the token expires", () => {
    vi.useFakeTimers({ now: new Date("2030-01-01T10:00:00.000Z") });
    startSession(aSession({ expiresAt: "2030-01-01T10:30:00.000Z" }));
    const { result } = renderHook(() => useSessionState());
    expect(result.current.session?.customerId).toBe("cus_test");

    act(() => vi.advanceTimersByTime(29 * 60_000));
    expect(result.current.session).not.toBeNull();

    act(() => vi.advanceTimersByTime(60_000));
    expect(result.current).toEqual({ session: null, reason: "expired" });
  });

  it("re-renders on sign-in and sign-out, with the same snapshot in between", () => {
    const { result } = renderHook(() => useSessionState());
    expect(result.current.session).toBeNull();
    act(() => startSession(aSession({ email: "a@example.com" })));
    expect(result.current.session?.email).toBe("a@example.com");
    expect(getSessionState()).toBe(getSessionState());
    act(() => endSession("refused"));
    expect(result.current).toEqual({ session: null, reason: "refused" });
  });
});
