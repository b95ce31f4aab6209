import type { ReactNode } from "react";
import { Link, useRoute } from "wouter";
import { switchCustomer, useCustomerId } from "../lib/customer-id.ts";

export function Layout({ children }: { children: ReactNode }) {
  const customerId = useCustomerId();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container site-header__inner">
          <Link href="/" className="brand" aria-label="HotSeat home">
            <span className="brand__mark" aria-hidden="true">
              H
            </span>
            HotSeat
          </Link>
          <nav aria-label="Main">
            <ul className="nav">
              <li>
                <NavLink href="/">Shows</NavLink>
              </li>
              <li>
                <NavLink href="/admin">Admin</NavLink>
              </li>
            </ul>
          </nav>
          <div className="buyer">
            <span className="buyer__label">Buying as</span>{" "}
            <code className="buyer__id" data-testid="customer-id">
              {customerId}
            </code>
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={switchCustomer}
              title="Start again as a different buyer (a new customer id)"
            >
              Switch buyer
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="container main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <div className="container">HotSeat · tickets the moment the sale opens</div>
      </footer>
    </>
  );
}

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [exact] = useRoute(href);
  const [nested] = useRoute(`${href === "/" ? "/shows" : href}/*`);
  const active = exact || nested;
  return (
    <Link
      href={href}
      className={active ? "nav__link nav__link--active" : "nav__link"}
      aria-current={active ? "page" : undefined}
    >
      {children}
    </Link>
  );
}
