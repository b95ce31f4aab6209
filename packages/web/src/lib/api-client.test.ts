// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError, json, stubApi } from "../testing/api-stub.ts";
import { signIn } from "../testing/session.ts";
import { ApiError, apiRequest } from "./api-client.ts";
import { getSession, getSessionState } from "./session.ts";

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("apiRequest with auth", () => {
  it("sends the signed-in buyer's token as a bearer token", async () => {
    signIn({ token: "tok_abc" });
    const { requests } = stubApi(() => json(200, { orders: [] }));
    await apiRequest("/me/orders", { auth: true });
    expect(requests[0]?.headers.authorization).toBe("Bearer tok_abc");
  });

  it("sends no token where none is asked for", async () => {
    signIn({ token: "tok_abc" });
    const { requests } = stubApi(() => json(200, { shows: [] }));
    await apiRequest("/shows");
    expect(requests[0]?.headers.authorization).toBeUndefined();
  });

  it("fails as a 401 without asking the API when nobody is signed in", async () => {
    const { requests } = stubApi(() => json(200, {}));
    const error = await apiRequest("/me/orders", { auth: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized" });
    expect(requests).toHaveLength(0);
  });

  it("signs the buyer out when the API refuses the token", async () => {
    signIn({ token: "tok_stale" });
    stubApi(() => apiError(401, "unauthorized"));
    const error = await apiRequest("/me/orders", { auth: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: "unauthorized", message: "stubbed unauthorized" });
    expect(getSessionState()).toEqual({ session: null, reason: "refused" });
  });

  it("keeps a newer sign-in when a request with the old token comes back 401", async () => {
    signIn({ token: "tok_old" });
    stubApi(() => {
      signIn({ token: "tok_new" }); // signed in again while the request was out
      return apiError(401, "unauthorized");
    });
    await apiRequest("/me/orders", { auth: true }).catch(() => {});
    expect(getSession()?.token).toBe("tok_new");
  });

  it("keeps the session on other errors", async () => {
    signIn();
    stubApi(() => apiError(404, "order_not_found"));
    await apiRequest("/orders/ord_x", { auth: true }).catch(() => {});
    expect(getSession()).not.toBeNull();
  });
});
