import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { type SignedOutReason, useSessionState } from "../../../lib/session.ts";
import { useRequestCode } from "../api/request-code.ts";
import { useVerifyCode } from "../api/verify-code.ts";
import { localOutboxPath, OUTBOX_PAGE } from "../lib/local-outbox.ts";
import { requestCodeError, verifyCodeError } from "../lib/sign-in-errors.ts";

type Props = {
  title?: string;
  intro?: string;
  /** Put the cursor in the first field (when the form appears because the buyer pressed something). */
  autoFocus?: boolean;
  onSignedIn?: () => void;
};

const reasonText: Record<SignedOutReason, string | null> = {
  expired: "Your sign-in has expired. Sign in again to continue.",
  refused: "Your sign-in is no longer valid. Sign in again to continue.",
  signed_out: null,
};

/** Email, then the one-time code sent to it. */
export function SignInForm({ title = "Sign in", intro, autoFocus = false, onSignedIn }: Props) {
  const id = useId();
  const { reason } = useSessionState();
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [resent, setResent] = useState(false);
  const requestCode = useRequestCode();
  const verifyCode = useVerifyCode(onSignedIn);
  const codeInput = useRef<HTMLInputElement>(null);
  const emailInput = useRef<HTMLInputElement>(null);
  const outbox = localOutboxPath();

  useEffect(() => {
    if (sentTo) codeInput.current?.focus();
  }, [sentTo]);

  const askForCode = (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    if (!address || requestCode.isPending) return;
    requestCode.mutate({ email: address }, { onSuccess: () => setSentTo(address) });
  };

  const askAgain = () => {
    if (!sentTo || requestCode.isPending) return;
    setResent(false);
    verifyCode.reset();
    requestCode.mutate({ email: sentTo }, { onSuccess: () => setResent(true) });
  };

  const changeEmail = () => {
    setSentTo(null);
    setCode("");
    setResent(false);
    requestCode.reset();
    verifyCode.reset();
    queueMicrotask(() => emailInput.current?.focus());
  };

  const signIn = (event: FormEvent) => {
    event.preventDefault();
    const entered = code.replace(/\s+/g, "");
    if (!sentTo || !entered || verifyCode.isPending) return;
    verifyCode.mutate({ email: sentTo, code: entered });
  };

  const why = reason ? reasonText[reason] : null;

  return (
    <section className="card sign-in" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {why ? (
        <p className="notice notice--info" role="status">
          {why}
        </p>
      ) : null}
      {sentTo === null ? (
        <form onSubmit={askForCode} aria-busy={requestCode.isPending} noValidate>
          <p className="muted">{intro ?? "We'll email you a one-time code. No password needed."}</p>
          <div className="field">
            <label htmlFor={`${id}-email`}>Email address</label>
            <input
              ref={emailInput}
              id={`${id}-email`}
              type="email"
              autoComplete="email"
              required
              // biome-ignore lint/a11y/noAutofocus: shown because the buyer just asked to buy or sign in
              autoFocus={autoFocus}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          {requestCode.isError ? (
            <p className="notice notice--error" role="alert">
              {requestCodeError(requestCode.error)}
            </p>
          ) : null}
          <button type="submit" className="button button--primary" disabled={requestCode.isPending}>
            {requestCode.isPending ? "Sending…" : "Email me a code"}
          </button>
        </form>
      ) : (
        <form onSubmit={signIn} aria-busy={verifyCode.isPending} noValidate>
          <p className="muted">
            We sent a code to <strong>{sentTo}</strong>. It works once and only for a few minutes.
          </p>
          {outbox ? (
            <p className="notice notice--info">
              Running locally, so no mail is sent.{" "}
              <a href={OUTBOX_PAGE} target="_blank" rel="noopener">
                Open the local outbox
              </a>{" "}
              to read it.
            </p>
          ) : null}
          <div className="field">
            <label htmlFor={`${id}-code`}>Code</label>
            <input
              ref={codeInput}
              id={`${id}-code`}
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              maxLength={12}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </div>
          {verifyCode.isError ? (
            <p className="notice notice--error" role="alert">
              {verifyCodeError(verifyCode.error)}
            </p>
          ) : null}
          {requestCode.isError ? (
            <p className="notice notice--error" role="alert">
              {requestCodeError(requestCode.error)}
            </p>
          ) : resent ? (
            <p className="notice notice--success" role="status">
              A new code is on its way to {sentTo}.
            </p>
          ) : null}
          <div className="sign-in__actions">
            <button type="submit" className="button button--primary" disabled={verifyCode.isPending}>
              {verifyCode.isPending ? "Signing in…" : "Sign in"}
            </button>
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={askAgain}
              disabled={requestCode.isPending}
            >
              Send a new code
            </button>
            <button type="button" className="button button--ghost button--small" onClick={changeEmail}>
              Use a different email
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
