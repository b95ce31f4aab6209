import { queryOptions, useQuery } from "@tanstack/react-query";
import { adminKeys } from "./admin-keys.ts";
import { adminRequest } from "./admin-request.ts";

export interface ProcessMetrics {
  since: string;
  metrics: Record<string, number>;
}

export const METRICS_POLL_MS = 2_000;

/** The API process's counters (the stage dashboard's metrics, counted here): only the local stack serves them. */
export const getMetrics = (signal?: AbortSignal) => adminRequest<ProcessMetrics>("/admin/metrics", { signal });

export const metricsQueryOptions = () =>
  queryOptions({
    queryKey: adminKeys.metrics(),
    queryFn: ({ signal }) => getMetrics(signal),
    staleTime: 0,
    refetchInterval: METRICS_POLL_MS,
    refetchIntervalInBackground: false,
    retry: false,
  });

export const useMetrics = () => useQuery(metricsQueryOptions());
