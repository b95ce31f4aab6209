import type { InventorySpace } from "@hotseat/core/space";

/** Counts the orders the writer confirms persisted, and when it last did, by wrapping the space's confirmation. */
export function countConfirmations(space: InventorySpace) {
  const confirmPersisted = space.confirmPersisted.bind(space);
  const counter = { persisted: 0, lastPersistAt: 0 };
  space.confirmPersisted = async (...a: Parameters<typeof confirmPersisted>) => {
    const n = await confirmPersisted(...a);
    counter.persisted += n;
    if (n > 0) counter.lastPersistAt = Date.now();
    return n;
  };
  return counter;
}
