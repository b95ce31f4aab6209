import type { ReactNode } from "react";
import { isApiError } from "../lib/api-client.ts";

export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}

export function LoadError({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  const message = isApiError(error) ? error.message : "Something went wrong.";
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <strong>Couldn't load {what}.</strong> {message}
      </p>
      {onRetry ? (
        <button type="button" className="button button--secondary button--small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function NotFound({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="empty">
      <h1>{title}</h1>
      {children}
    </section>
  );
}
