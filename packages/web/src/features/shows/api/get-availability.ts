import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Availability } from "../../../types/api.ts";
import { showKeys } from "./show-keys.ts";

export const AVAILABILITY_POLL_MS = 2_000;
/** Once sold out, a ticket only comes back if the sale is reset; checking now and then is enough. */
export const SOLD_OUT_POLL_MS = 15_000;

export const getAvailability = (showId: string, signal?: AbortSignal) =>
  apiRequest<Availability>(`/shows/${encodeURIComponent(showId)}/availability`, { signal });

export const availabilityQueryOptions = (showId: string) =>
  queryOptions({
    queryKey: showKeys.availability(showId),
    queryFn: ({ signal }) => getAvailability(showId, signal),
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.soldOut ? SOLD_OUT_POLL_MS : AVAILABILITY_POLL_MS),
    // No polling from tabs nobody looks at: on sale day that is most of the load.
    refetchIntervalInBackground: false,
  });

export const useAvailability = (showId: string) => useQuery(availabilityQueryOptions(showId));
