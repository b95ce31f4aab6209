import { type Session, startSession } from "../lib/session.ts";

export const TEST_TOKEN = "tok_test_buyer";

export const aSession = (overrides: Partial<Session> = {}): Session => ({
  token: TEST_TOKEN,
  customerId: "cus_test",
  email: "fan@example.com",
  expiresAt: new Date(Date.now() + 60 * 60_000).toISOString(),
  ...overrides,
});

/** Starts a buyer session as the sign-in form would, for tests that begin signed in. */
export function signIn(overrides: Partial<Session> = {}): Session {
  const session = aSession(overrides);
  startSession(session);
  return session;
}
