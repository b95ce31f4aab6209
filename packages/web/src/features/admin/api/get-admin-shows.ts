import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Show } from "../../../types/api.ts";
import { adminKeys } from "./admin-keys.ts";
import { adminRequest } from "./admin-request.ts";

/** Every show, drafts included (the public list has only the shows on sale). */
export const getAdminShows = (signal?: AbortSignal) =>
  adminRequest<{ shows: Show[] }>("/admin/shows", { signal }).then((body) => body.shows);

export const adminShowsQueryOptions = () =>
  queryOptions({
    queryKey: adminKeys.shows(),
    queryFn: ({ signal }) => getAdminShows(signal),
  });

export const useAdminShows = () => useQuery(adminShowsQueryOptions());
