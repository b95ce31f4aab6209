import { useEffect } from "react";
import { useLocation, useSearch } from "wouter";
import { SignInForm } from "../../features/auth/components/sign-in-form.tsx";
import { useSession } from "../../lib/session.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

/** Where to go after signing in: a path on this site only, never another origin. */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get("next") ?? "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/me/orders";
}

export function SignInRoute() {
  useDocumentTitle("Sign in");
  const session = useSession();
  const search = useSearch();
  const [, navigate] = useLocation();
  const next = nextPath(search);

  useEffect(() => {
    if (session) navigate(next, { replace: true });
  }, [session, next, navigate]);

  return (
    <div className="narrow">
      <SignInForm autoFocus />
    </div>
  );
}
