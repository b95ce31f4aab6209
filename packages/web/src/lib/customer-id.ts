import { useSyncExternalStore } from "react";
import { randomToken } from "./random-id.ts";

// There is no login: the buyer is whoever holds this id in the browser, and the per-customer limit counts against it.
const STORAGE_KEY = "hotseat.customerId";
const listeners = new Set<() => void>();
let fallback: string | undefined;

export const newCustomerId = () => `buyer_${randomToken(10)}`;

export function getCustomerId(): string {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored) return stored;
    const created = newCustomerId();
    localStorage.setItem(STORAGE_KEY, created);
    return created;
  } catch {
    // Storage can be blocked (private mode, policies); the id then lives as long as the page.
    fallback ??= newCustomerId();
    return fallback;
  }
}

export function switchCustomer(): void {
  const next = newCustomerId();
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    fallback = next;
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === STORAGE_KEY && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export const useCustomerId = () => useSyncExternalStore(subscribe, getCustomerId);
