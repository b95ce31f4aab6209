import { useEffect, useSyncExternalStore } from "react";

/** The signed-in buyer: the API's token for them, until it expires. */
export type Session = {
  token: string;
  customerId: string;
  email: string;
  /** ISO time after which the API refuses the token. */
  expiresAt: string;
};

/** Why the buyer is signed out, so the sign-in form can say so. `signed_out` is the buyer's own doing. */
export type SignedOutReason = "expired" | "refused" | "signed_out";

export type SessionState = { session: Session | null; reason: SignedOutReason | null };

// Kept for the browser session only (sessionStorage): closing the tab signs the buyer out, and the token never sits
// in long-lived storage.
const STORAGE_KEY = "hotseat.session";
// setTimeout fires at once past 2^31-1 ms; a longer session is looked at again when that timer fires.
const MAX_TIMER_MS = 2 ** 31 - 1;
const listeners = new Set<() => void>();
let fallback: string | null = null;
let state: SessionState = { session: null, reason: null };
let stateRaw: string | null = null;

function readRaw(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return fallback;
  }
}

function writeRaw(raw: string | null): void {
  try {
    if (raw) sessionStorage.setItem(STORAGE_KEY, raw);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    fallback = raw;
  }
}

function parse(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    const valid =
      typeof s.token === "string" &&
      s.token.length > 0 &&
      typeof s.customerId === "string" &&
      typeof s.email === "string" &&
      typeof s.expiresAt === "string" &&
      Number.isFinite(Date.parse(s.expiresAt));
    return valid ? (s as Session) : null;
  } catch {
    return null;
  }
}

const isExpired = (session: Session) => Date.parse(session.expiresAt) <= Date.now();

/**
 * The session and, when there is none, why the last one ended. The same object until something changes (what
 * useSyncExternalStore needs); a token past its expiry is dropped here, so an expired session is never handed out.
 */
export function getSessionState(): SessionState {
  const raw = readRaw();
  if (raw !== stateRaw) {
    stateRaw = raw;
    const session = parse(raw);
    // Changed behind our back (another start or end goes through the functions below): nothing to explain.
    state = { session, reason: null };
  }
  if (state.session && isExpired(state.session)) {
    writeRaw(null);
    stateRaw = null;
    state = { session: null, reason: "expired" };
  }
  return state;
}

export const getSession = (): Session | null => getSessionState().session;

export function startSession(session: Session): void {
  writeRaw(JSON.stringify(session));
  stateRaw = null; // read again on the next look
  getSessionState();
  notify();
}

/** Signs the buyer out: their choice, or the API refused the token. Already signed out keeps the earlier reason. */
export function endSession(why: SignedOutReason): void {
  const current = getSessionState();
  writeRaw(null);
  stateRaw = null;
  state = { session: null, reason: current.session ? why : current.reason };
  notify();
}

function notify() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

const serverState: SessionState = { session: null, reason: null };

/** The session as React state: re-renders on sign-in and sign-out, and signs out by itself when the token expires. */
export function useSessionState(): SessionState {
  const current = useSyncExternalStore(subscribe, getSessionState, () => serverState);
  const expiresAt = current.session?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(expiresAt) - Date.now()));
    const timer = setTimeout(() => {
      getSessionState();
      notify();
    }, wait);
    return () => clearTimeout(timer);
  }, [expiresAt]);
  return current;
}

export const useSession = (): Session | null => useSessionState().session;
