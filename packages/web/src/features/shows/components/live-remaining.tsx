import { formatCount } from "../../../lib/format.ts";
import { AvailabilityBadge } from "./availability-badge.tsx";

type Props = {
  remaining: number;
  /** Taken by buyers who are paying now: back on sale if they don't pay in time. */
  held: number;
  capacity: number;
  soldOut: boolean;
  onSale: boolean;
  /** True while the count comes from a fresh poll, false when the last poll failed and it may be stale. */
  live: boolean;
};

export function LiveRemaining({ remaining, held, capacity, soldOut, onSale, live }: Props) {
  const left = Math.max(0, remaining);
  const heldNow = Math.max(0, held || 0);
  const pct = (n: number) => (capacity > 0 ? Math.min(100, Math.round((n / capacity) * 100)) : 0);
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
      {onSale ? (
        <p className="live-remaining__held">
          <span data-testid="held">{formatCount(heldNow)}</span> held by buyers paying now{" "}
          <span className="muted">(may come back)</span>
        </p>
      ) : null}
      <div className="meter" aria-hidden="true">
        <div className="meter__fill" style={{ width: `${onSale ? pct(left) : 100}%` }} />
        {onSale && heldNow > 0 ? <div className="meter__held" style={{ width: `${pct(heldNow)}%` }} /> : null}
      </div>
      <AvailabilityBadge remaining={left} capacity={capacity} soldOut={soldOut} onSale={onSale} />
    </section>
  );
}
