import { useMutation } from "@tanstack/react-query";
import type { Show } from "../../../types/api.ts";
import { adminRequest } from "./admin-request.ts";

export type CreateShowInput = {
  name: string;
  venue: string;
  startsAt: string;
  capacity: number;
  priceCents: number;
  maxPerCustomer?: number;
  shards?: number;
  /** How long a purchase holds its tickets for payment: 5–3600 s (the API's default is 600). */
  holdSeconds?: number;
};

export const createShow = (input: CreateShowInput) =>
  adminRequest<{ show: Show }>("/admin/shows", { method: "POST", body: input }).then((body) => body.show);

export const useCreateShow = (options: { onSuccess?: (show: Show) => void } = {}) =>
  useMutation({ mutationFn: createShow, onSuccess: options.onSuccess });
