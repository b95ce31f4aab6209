import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Show } from "../../../types/api.ts";
import { showKeys } from "./show-keys.ts";

export const getShow = (showId: string, signal?: AbortSignal) =>
  apiRequest<{ show: Show }>(`/shows/${encodeURIComponent(showId)}`, { signal }).then((body) => body.show);

export const showQueryOptions = (showId: string) =>
  queryOptions({
    queryKey: showKeys.detail(showId),
    queryFn: ({ signal }) => getShow(showId, signal),
    staleTime: 30_000,
  });

export const useShow = (showId: string) => useQuery(showQueryOptions(showId));
