import { apiRequest, isApiError } from "../../../lib/api-client.ts";
import { getAdminToken, refuseAdminToken } from "../lib/admin-token.ts";

/** Every admin call carries the bearer token; a 401 means the token is wrong, so it is dropped and asked for again. */
export async function adminRequest<T>(
  path: string,
  options: { method?: "GET" | "POST"; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const token = getAdminToken() ?? "";
  try {
    return await apiRequest<T>(path, { ...options, headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    if (isApiError(error) && error.status === 401) refuseAdminToken();
    throw error;
  }
}
