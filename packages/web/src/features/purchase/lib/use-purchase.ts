import { useCallback, useEffect, useRef } from "react";
import type { Order } from "../../../types/api.ts";
import { useCreateOrder } from "../api/create-order.ts";
import { newIdempotencyKey } from "./idempotency-key.ts";
import { keepsAttempt, type PurchaseOutcome, purchaseOutcome } from "./purchase-outcome.ts";
import { type Attempt, loadAttempt, saveAttempt } from "./saved-attempt.ts";

type Options = {
  showId: string;
  /** The signed-in buyer; null while signed out (nothing is bought or resumed). */
  customerId: string | null;
  onSettled?: (order: Order | undefined, error: unknown) => void;
};

/**
 * One purchase attempt = one Idempotency-Key. The key is kept until the attempt has a definite answer, so a
 * double click, an automatic retry or a "Try again" after a dropped connection all send the same key and the
 * server can hand back the same order instead of selling twice. It is also kept in sessionStorage, so a reload
 * in the middle of a purchase resumes that attempt, with its key, instead of forgetting it.
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
      if (inFlight.current || customerId === null) return;
      const current = attempt.current;
      const sameBody = current && current.customerId === customerId && current.quantity === quantity;
      const next = sameBody ? current : { key: newIdempotencyKey(), customerId, quantity };
      attempt.current = next;
      saveAttempt(showId, next);
      inFlight.current = true;
      mutate(
        { showId, quantity, idempotencyKey: next.key },
        {
          onSettled: (order, error) => {
            inFlight.current = false;
            if (!error || !keepsAttempt(error)) {
              attempt.current = null;
              saveAttempt(showId, null);
            }
            onSettledRef.current?.(order, error);
          },
        },
      );
    },
    [mutate, showId, customerId],
  );

  // A purchase this tab started and never heard back about (the page was reloaded mid-purchase): finish it.
  useEffect(() => {
    const saved = customerId === null ? null : loadAttempt(showId, customerId);
    if (!saved || inFlight.current) return;
    attempt.current = saved;
    buy(saved.quantity);
  }, [showId, customerId, buy]);

  const startOver = useCallback(() => {
    if (inFlight.current) return;
    attempt.current = null;
    saveAttempt(showId, null);
    reset();
  }, [reset, showId]);

  const outcome: PurchaseOutcome = purchaseOutcome({
    status: mutation.status,
    data: mutation.data,
    error: mutation.error,
    failureCount: mutation.failureCount,
    requested: mutation.variables?.quantity ?? 0,
  });

  return { outcome, buy, startOver, isPending: mutation.isPending };
}
