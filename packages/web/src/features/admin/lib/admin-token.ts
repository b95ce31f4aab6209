import { useSyncExternalStore } from "react";

// Kept for the browser session only: closing the tab forgets it, and it never sits in long-lived storage.
const STORAGE_KEY = "hotseat.adminToken";
const listeners = new Set<() => void>();
let fallback: string | null = null;
let refused = false;

export function getAdminToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return fallback;
  }
}

export function setAdminToken(token: string | null): void {
  refused = false;
  store(token);
}

/** The API answered 401: forget the token and say so, so the sign-in form can tell the admin why it is back. */
export function refuseAdminToken(): void {
  refused = true;
  store(null);
}

export const wasAdminTokenRefused = () => refused;

function store(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(STORAGE_KEY, token);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    fallback = token;
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const useAdminToken = () => useSyncExternalStore(subscribe, getAdminToken);
