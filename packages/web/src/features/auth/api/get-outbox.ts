import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import { localOutboxPath } from "../lib/local-outbox.ts";
import { authKeys } from "./auth-keys.ts";

export type OutboxMessage = { to: string; subject: string; text: string; sentAt: string };

export const OUTBOX_POLL_MS = 2_000;

/** The local stack's outbox, newest first. It is served beside the storefront, not by the API. */
export const getOutbox = (path: string, signal?: AbortSignal) =>
  apiRequest<{ messages: OutboxMessage[] }>(path, { baseUrl: window.location.origin, signal }).then(
    (body) => body.messages,
  );

export const outboxQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.outbox(),
    queryFn: ({ signal }) => getOutbox(localOutboxPath() ?? "", signal),
    enabled: localOutboxPath() !== undefined,
    staleTime: 0,
    // A code asked for in another tab shows up here without a reload.
    refetchInterval: OUTBOX_POLL_MS,
    refetchIntervalInBackground: false,
  });

export const useOutbox = () => useQuery(outboxQueryOptions());
