import { formatCount } from "../../../lib/format.ts";

type Props = { remaining: number; capacity: number; soldOut: boolean; onSale: boolean };

export function AvailabilityBadge({ remaining, capacity, soldOut, onSale }: Props) {
  if (!onSale) return <span className="badge badge--muted">Sale not open</span>;
  if (soldOut || remaining <= 0) return <span className="badge badge--sold-out">Sold out</span>;
  if (remaining <= Math.max(5, capacity * 0.1)) {
    return <span className="badge badge--hot">Only {formatCount(remaining)} left</span>;
  }
  return <span className="badge badge--available">{formatCount(remaining)} left</span>;
}
