import { formatCount } from "../../../lib/format.ts";

type Props = { remaining: number; capacity: number; soldOut: boolean; onSale: boolean };

/** Sold out is the API's word (nothing left and nothing held); nothing left but some held may still come back. */
export function AvailabilityBadge({ remaining, capacity, soldOut, onSale }: Props) {
  if (!onSale) return <span className="badge badge--muted">Sale not open</span>;
  if (soldOut) return <span className="badge badge--sold-out">Sold out</span>;
  if (remaining <= 0) return <span className="badge badge--hot">All held · may come back</span>;
  if (remaining <= Math.max(5, capacity * 0.1)) {
    return <span className="badge badge--hot">Only {formatCount(remaining)} left</span>;
  }
  return <span className="badge badge--available">{formatCount(remaining)} left</span>;
}
