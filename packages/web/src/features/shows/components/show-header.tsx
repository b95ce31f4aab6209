import { dateBadge, formatDateTime, formatPrice } from "../../../lib/format.ts";
import type { Show } from "../../../types/api.ts";

export function ShowHeader({ show }: { show: Show }) {
  const badge = dateBadge(show.startsAt);
  return (
    <header className="show-hero">
      <div className="show-hero__date" aria-hidden="true">
        <span className="show-card__month">{badge.month}</span>
        <span className="show-card__day">{badge.day}</span>
      </div>
      <div>
        <h1 className="show-hero__title">{show.name}</h1>
        <dl className="show-hero__facts">
          <div>
            <dt>Venue</dt>
            <dd>{show.venue}</dd>
          </div>
          <div>
            <dt>Date</dt>
            <dd>
              <time dateTime={show.startsAt}>{formatDateTime(show.startsAt)}</time>
            </dd>
          </div>
          <div>
            <dt>Price</dt>
            <dd>{formatPrice(show.priceCents)} per ticket</dd>
          </div>
          <div>
            <dt>Limit</dt>
            <dd>{show.maxPerCustomer} per customer</dd>
          </div>
        </dl>
      </div>
    </header>
  );
}
