import { useCallback, useRef } from "react";
import type { Order } from "../../../types/api.ts";
import { useCreateOrder } from "../api/create-order.ts";
import { newIdempotencyKey } from "./idempotency-key.ts";
import { keepsAttempt, type PurchaseOutcome, purchaseOutcome } from "./purchase-outcome.ts";

type Attempt = { key: string; customerId: string; quantity: number };

type Options = {
  showId: string;
  customerId: string;
  onSettled?: (order: Order | undefined, error: unknown) => void;
};

/**
 * One purchase attempt = one Idempotency-Key. The key is kept until the attempt has a definite answer, so a
 * double click, an automatic retry or a "Try again" after a dropped connection all send the same key and the
 * server can hand back the same order instead of selling twice.
 */
export function usePurchase({ showId, customerId, onSettled }: Options) {
  const mutation = useCreateOrder();
  const attempt = useRef<Attempt | null>(null);
  // State updates land after the click handler returns, so `isPending` alone lets a fast second click through.
  const inFlight = useRef(false);
  const onSettledRef = useRef(onSettled);
  onSettledRef.current = onSettled;
  const { mutate, reset } = mutation;

  const buy = useCallback(
    (quantity: number) => {
      if (inFlight.current) return;
      const current = attempt.current;
      const sameBody = current && current.customerId === customerId && current.quantity === quantity;
      const next = sameBody ? current : { key: newIdempotencyKey(), customerId, quantity };
      attempt.current = next;
      inFlight.current = true;
      mutate(
        { showId, customerId, quantity, idempotencyKey: next.key },
        {
          onSettled: (order, error) => {
            inFlight.current = false;
            if (!error || !keepsAttempt(error)) attempt.current = null;
            onSettledRef.current?.(order, error);
          },
        },
      );
    },
    [mutate, showId, customerId],
  );

  const startOver = useCallback(() => {
    if (inFlight.current) return;
    attempt.current = null;
    reset();
  }, [reset]);

  const outcome: PurchaseOutcome = purchaseOutcome({
    status: mutation.status,
    data: mutation.data,
    error: mutation.error,
    failureCount: mutation.failureCount,
    requested: mutation.variables?.quantity ?? 0,
  });

  return { outcome, buy, startOver, isPending: mutation.isPending };
}
