import { QueryClient } from "@tanstack/react-query";
import { isTransient } from "./api-client.ts";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 1_000,
        // A 404 or 401 will not change by asking again; a dropped connection or a busy server might.
        retry: (failureCount, error) => failureCount < 3 && isTransient(error),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
