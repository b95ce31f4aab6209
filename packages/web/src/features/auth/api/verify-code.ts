import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import { type Session, startSession } from "../../../lib/session.ts";

export type VerifyCodeInput = { email: string; code: string };
type VerifyCodeAnswer = { token: string; customer: { id: string }; expiresAt: string };

/** Trades the emailed code for the buyer's token; a wrong, expired or used code is 401 `invalid_code`. */
export const verifyCode = ({ email, code }: VerifyCodeInput): Promise<Session> =>
  apiRequest<VerifyCodeAnswer>("/auth/email/verify", { method: "POST", body: { email, code } }).then((answer) => ({
    token: answer.token,
    customerId: answer.customer.id,
    email,
    expiresAt: answer.expiresAt,
  }));

/** Signed in: the session starts, then `onSignedIn` runs (even if the form that asked is gone by then). */
export const useVerifyCode = (onSignedIn?: (session: Session) => void) =>
  useMutation({
    mutationFn: verifyCode,
    onSuccess: (session) => {
      startSession(session);
      onSignedIn?.(session);
    },
  });
