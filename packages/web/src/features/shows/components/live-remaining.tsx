import { formatCount } from "../../../lib/format.ts";
import { AvailabilityBadge } from "./availability-badge.tsx";

type Props = {
  remaining: number;
  capacity: number;
  soldOut: boolean;
  onSale: boolean;
  /** True while the count comes from a fresh poll, false when the last poll failed and it may be stale. */
  live: boolean;
};

export function LiveRemaining({ remaining, capacity, soldOut, onSale, live }: Props) {
  const left = Math.max(0, remaining);
  const percentLeft = capacity > 0 ? Math.round((left / capacity) * 100) : 0;
  return (
    <section className="live-remaining" aria-labelledby="remaining-heading">
      <div className="live-remaining__top">
        <h2 id="remaining-heading" className="live-remaining__heading">
          Tickets left
        </h2>
        <span className={live ? "live-dot" : "live-dot live-dot--stale"}>{live ? "Live" : "Reconnecting…"}</span>
      </div>
      <p className="live-remaining__count">
        <span data-testid="remaining">{formatCount(onSale ? left : capacity)}</span>
        <span className="live-remaining__of"> of {formatCount(capacity)}</span>
      </p>
      <div className="meter" aria-hidden="true">
        <div className="meter__fill" style={{ width: `${onSale ? percentLeft : 100}%` }} />
      </div>
      <AvailabilityBadge remaining={left} capacity={capacity} soldOut={soldOut} onSale={onSale} />
    </section>
  );
}
