import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import type { Show } from "../../../types/api.ts";
import { showKeys } from "./show-keys.ts";

const LIST_POLL_MS = 10_000;

export const getShows = (signal?: AbortSignal) =>
  apiRequest<{ shows: Show[] }>("/shows", { signal }).then((body) => body.shows);

export const showsQueryOptions = () =>
  queryOptions({
    queryKey: showKeys.list(),
    queryFn: ({ signal }) => getShows(signal),
    // Remaining counts on the list move on sale day too, just less urgently than on a show page.
    refetchInterval: LIST_POLL_MS,
    refetchIntervalInBackground: false,
  });

export const useShows = () => useQuery(showsQueryOptions());
