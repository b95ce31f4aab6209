import { Link } from "wouter";
import { dateBadge, formatDateTime, formatPrice } from "../../../lib/format.ts";
import type { Show } from "../../../types/api.ts";
import { AvailabilityBadge } from "./availability-badge.tsx";

export function ShowList({ shows }: { shows: Show[] }) {
  if (shows.length === 0) {
    return (
      <div className="empty">
        <p>No shows yet. Check back soon: sales open without warning.</p>
      </div>
    );
  }
  return (
    <ul className="show-grid">
      {shows.map((show) => (
        <li key={show.id}>
          <ShowCard show={show} />
        </li>
      ))}
    </ul>
  );
}

function ShowCard({ show }: { show: Show }) {
  const badge = dateBadge(show.startsAt);
  const onSale = show.status === "on_sale";
  return (
    <article className={show.soldOut ? "show-card show-card--sold-out" : "show-card"} data-testid="show-card">
      <div className="show-card__date" aria-hidden="true">
        <span className="show-card__month">{badge.month}</span>
        <span className="show-card__day">{badge.day}</span>
      </div>
      <div className="show-card__body">
        <h2 className="show-card__title">
          <Link href={`/shows/${show.id}`} className="show-card__link">
            {show.name}
          </Link>
        </h2>
        <p className="show-card__meta">{show.venue}</p>
        <p className="show-card__meta">
          <time dateTime={show.startsAt}>{formatDateTime(show.startsAt)}</time>
        </p>
      </div>
      <div className="show-card__aside">
        <span className="show-card__price">{formatPrice(show.priceCents)}</span>
        <AvailabilityBadge remaining={show.remaining} capacity={show.capacity} soldOut={show.soldOut} onSale={onSale} />
      </div>
    </article>
  );
}
