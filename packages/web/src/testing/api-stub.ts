import { vi } from "vitest";

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
};

type Handler = (request: RecordedRequest, callIndex: number) => Response | Promise<Response>;

/**
 * Replaces `fetch` (the network boundary) with `handler`, and records every request the app makes.
 * Paths are relative to the API base URL, so tests do not care which host the app points at.
 */
export function stubApi(handler: Handler) {
  const requests: RecordedRequest[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const request: RecordedRequest = {
      method: init.method ?? "GET",
      path: url.pathname,
      headers,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    return handler(request, requests.length - 1);
  });
  vi.stubGlobal("fetch", fetchStub);
  return { requests, fetchStub };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

export const apiError = (
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => json(status, { code, message: `stubbed ${code}`, ...extra }, headers);

export const networkFailure = () => Promise.reject(new TypeError("Failed to fetch"));

/** A response the test releases when it wants, to look at the in-progress state. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
