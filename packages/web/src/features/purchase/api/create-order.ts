import { useMutation } from "@tanstack/react-query";
import { apiRequest, isApiError } from "../../../lib/api-client.ts";
import type { Order } from "../../../types/api.ts";

export type CreateOrderInput = {
  showId: string;
  quantity: number;
  /** One per purchase attempt: the server answers a repeat with the order it already made. */
  idempotencyKey: string;
};

/** The buyer is the signed-in one: the API takes the customer from the token, never from the body. */
export const createOrder = ({ showId, quantity, idempotencyKey }: CreateOrderInput) =>
  apiRequest<{ order: Order }>(`/shows/${encodeURIComponent(showId)}/orders`, {
    method: "POST",
    auth: true,
    headers: { "Idempotency-Key": idempotencyKey },
    body: { quantity },
  }).then((body) => body.order);

const MAX_AUTOMATIC_RETRIES = 3;

/** The server said "not now" without taking anything: a space being rebuilt, or too many requests. */
const isBusy = (error: unknown) =>
  isApiError(error) && (error.code === "rehydrating" || error.code === "rate_limited" || error.code === "unavailable");

export const useCreateOrder = () =>
  useMutation({
    mutationFn: createOrder,
    // Retrying reuses the same variables, so the same Idempotency-Key: it can never buy twice.
    retry: (failureCount, error) => failureCount < MAX_AUTOMATIC_RETRIES && isBusy(error),
    retryDelay: (failureCount, error) => {
      const hinted = isApiError(error) ? error.retryAfterSeconds : undefined;
      const ms = hinted === undefined ? 400 * 2 ** failureCount : hinted * 1000;
      return Math.min(5_000, Math.max(250, ms));
    },
  });
