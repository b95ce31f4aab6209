import { Link, useLocation } from "wouter";
import { endSession, useSession } from "../../../lib/session.ts";

/** The header's buyer corner: "Sign in", or who is signed in with their orders and "Sign out". */
export function AccountMenu() {
  const session = useSession();
  const [location] = useLocation();

  if (!session) {
    const next = location === "/" || location.startsWith("/sign-in") ? "" : `?next=${encodeURIComponent(location)}`;
    return (
      <div className="account">
        <Link href={`/sign-in${next}`} className="button button--secondary button--small">
          Sign in
        </Link>
      </div>
    );
  }

  return (
    <div className="account">
      <span className="account__who">
        <span className="account__label">Signed in as</span>{" "}
        <span className="account__email" data-testid="signed-in-email">
          {session.email}
        </span>
      </span>
      <Link href="/me/orders" className="button button--ghost button--small">
        My orders
      </Link>
      <button type="button" className="button button--ghost button--small" onClick={() => endSession("signed_out")}>
        Sign out
      </button>
    </div>
  );
}
