import { endSession, getSession } from "./session.ts";

const DEFAULT_API_URL = "http://localhost:3000";

/** Build-time VITE_API_URL wins, then the runtime value from /config.js, then the local API's default port. */
export function apiBaseUrl(): string {
  const configured = import.meta.env.VITE_API_URL || (typeof window === "undefined" ? "" : window.__HOTSEAT_API__);
  return (configured || DEFAULT_API_URL).replace(/\/+$/, "");
}

/** Any failed call: the API's `{code, message, ...}`, or `network_error` / `server_error` when there is no such body. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    code: string;
    message: string;
    status: number;
    body?: Record<string, unknown>;
    retryAfterSeconds?: number;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.code = init.code;
    this.status = init.status;
    this.body = init.body ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** A number the API attached to the error, such as `remaining`. */
  numberField(name: string): number | undefined {
    const value = this.body[name];
    return typeof value === "number" ? value : undefined;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** Failures where the server did not act on the request, or may not have: asking again is the right move. */
export function isTransient(error: unknown): boolean {
  if (!isApiError(error)) return false;
  return error.status === 0 || error.status >= 500 || error.code === "rate_limited";
}

type RequestOptions = {
  method?: "GET" | "POST";
  /** Send the signed-in buyer's token; without a session, fail as the API would (401) without asking it. */
  auth?: boolean;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Another origin than the API's (the local outbox is served beside the storefront). */
  baseUrl?: string;
};

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const token = options.auth ? getSession()?.token : undefined;
  if (options.auth) {
    if (!token) throw new ApiError({ code: "unauthorized", message: "Sign in to continue.", status: 401 });
    headers.Authorization = `Bearer ${token}`;
  }

  let response: Response;
  try {
    response = await fetch(`${options.baseUrl ?? apiBaseUrl()}${path}`, {
      method: options.method ?? "GET",
      // The API's short max-age is for a CDN in front of millions of pollers. This browser polls no faster than that
      // anyway, and after its own purchase or admin action it must not be handed the count from before it.
      cache: "no-cache",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError({
      code: "network_error",
      message: "We couldn't reach the box office. Check your connection.",
      status: 0,
    });
  }

  const body = await readJson(response);
  if (response.ok) return body as T;
  // The token is expired, revoked or not one the API accepts: sign out, so every page asks the buyer to sign in
  // again. Unless another sign-in replaced it while this request was out.
  if (token && response.status === 401 && getSession()?.token === token) endSession("refused");

  const record = isRecord(body) ? body : {};
  const retryAfter = Number(response.headers.get("Retry-After"));
  throw new ApiError({
    code: typeof record.code === "string" ? record.code : response.status >= 500 ? "server_error" : "http_error",
    message: typeof record.message === "string" ? record.message : `The server answered ${response.status}.`,
    status: response.status,
    body: record,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  });
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
