import { Link, useLocation, useSearch } from "wouter";
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

  return (
    <div className="narrow">
      {session ? (
        <section className="card">
          <h1>You're signed in</h1>
          <p>
            As <strong>{session.email}</strong>. <Link href={next}>Continue</Link>
          </p>
        </section>
      ) : (
        <SignInForm autoFocus onSignedIn={() => navigate(next, { replace: true })} />
      )}
    </div>
  );
}
