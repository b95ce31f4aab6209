import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ShowStats } from "../../../types/api.ts";
import { adminKeys } from "./admin-keys.ts";
import { adminRequest } from "./admin-request.ts";

export const STATS_POLL_MS = 2_000;

export const getShowStats = (showId: string, signal?: AbortSignal) =>
  adminRequest<ShowStats>(`/admin/shows/${encodeURIComponent(showId)}/stats`, { signal });

export const showStatsQueryOptions = (showId: string) =>
  queryOptions({
    queryKey: adminKeys.stats(showId),
    queryFn: ({ signal }) => getShowStats(showId, signal),
    staleTime: 0,
    refetchInterval: STATS_POLL_MS,
    refetchIntervalInBackground: false,
  });

export const useShowStats = (showId: string) => useQuery(showStatsQueryOptions(showId));
