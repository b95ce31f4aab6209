import type { ReactNode } from "react";
import { Link, useRoute } from "wouter";

/** `account` is the header's buyer corner (sign-in state), supplied by the app. */
export function Layout({ account, children }: { account?: ReactNode; children: ReactNode }) {
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
          {account}
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
