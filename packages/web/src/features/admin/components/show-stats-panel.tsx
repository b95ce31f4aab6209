import { Spinner } from "../../../components/feedback.tsx";
import { isApiError } from "../../../lib/api-client.ts";
import { dateBadge, formatCount, formatDateTime, formatTime } from "../../../lib/format.ts";
import type { Show } from "../../../types/api.ts";
import { useShowStats } from "../api/get-show-stats.ts";
import { usePreloadShow } from "../api/preload-show.ts";
import { conversionOf, useConversionSeries } from "../lib/conversion-series.ts";
import { ConversionChart, formatRate } from "./conversion-chart.tsx";
import { SalesChart } from "./sales-chart.tsx";

export function ShowStatsPanel({ show, onPreloaded }: { show: Show; onPreloaded: (showId: string) => void }) {
  const stats = useShowStats(show.id);
  const conversion = useConversionSeries(stats.data);
  const preload = usePreloadShow({ onSuccess: onPreloaded });
  const titleId = `stats-${show.id}`;
  const badge = dateBadge(show.startsAt);
  const onSale = show.status === "on_sale";

  return (
    <article className="card stats" aria-labelledby={titleId} data-testid="stats-panel" data-show-id={show.id}>
      <header className="stats__header">
        <div className="stats__title">
          <span className="stats__date" aria-hidden="true">
            {badge.month} {badge.day}
          </span>
          <div>
            <h3 id={titleId}>{show.name}</h3>
            <p className="muted">
              {show.venue} · <time dateTime={show.startsAt}>{formatDateTime(show.startsAt)}</time>
            </p>
          </div>
        </div>
        <div className="stats__actions">
          {onSale && stats.data?.remaining === 0 && stats.data.held === 0 ? (
            <span className="badge badge--sold-out">Sold out</span>
          ) : (
            <span className={onSale ? "badge badge--available" : "badge badge--muted"}>
              {onSale ? "On sale" : "Draft"}
            </span>
          )}
          <button
            type="button"
            className={onSale ? "button button--secondary button--small" : "button button--primary button--small"}
            onClick={() => preload.mutate(show.id)}
            disabled={preload.isPending}
            aria-describedby={`${titleId}-preload`}
          >
            {preload.isPending ? "Preloading…" : onSale ? "Preload again" : "Preload & open sale"}
          </button>
          <span id={`${titleId}-preload`} className="visually-hidden">
            Loads the show's inventory into the space and puts it on sale. Safe to repeat.
          </span>
        </div>
      </header>

      {preload.isError ? (
        <p className="notice notice--error" role="alert">
          Preload failed: {isApiError(preload.error) ? preload.error.message : "unknown error"}
        </p>
      ) : null}

      {stats.data ? (
        <>
          <dl className="stat-tiles">
            <Stat label="Capacity" value={stats.data.capacity} />
            <Stat
              label="Remaining"
              value={stats.data.remaining}
              tone={stats.data.remaining === 0 ? "hot" : undefined}
            />
            <Stat label="Sold" value={stats.data.sold} hint="held + confirmed" />
            <Stat label="Persisted" value={stats.data.persisted} />
            <Stat
              label="Pending"
              value={stats.data.pending}
              tone={stats.data.pending > 0 ? "warn" : "ok"}
              hint={
                stats.data.pendingOrders > 0
                  ? `${formatCount(stats.data.pendingOrders)} orders, oldest ${((stats.data.oldestPendingMs ?? 0) / 1000).toFixed(1)} s`
                  : "in step with the table"
              }
            />
          </dl>
          <dl className="stat-tiles stat-tiles--checkout" aria-label="Checkout">
            <Stat
              label="Held"
              value={stats.data.held}
              tone={stats.data.held > 0 ? "warn" : undefined}
              hint="paying now"
            />
            <Stat label="Confirmed" value={stats.data.confirmed} tone="ok" />
            <Stat label="Expired" value={stats.data.expired} hint="holds that lapsed" />
            <Stat label="Cancelled" value={stats.data.cancelled} hint="released by buyers" />
            <Stat label="Refunded" value={stats.data.refunded} />
            <Stat
              label="Conversion"
              value={formatRate(conversionOf(stats.data))}
              hint={`${formatCount(stats.data.confirmed)} of ${formatCount(stats.data.taken)} taken`}
            />
          </dl>
          <SoldBar capacity={stats.data.capacity} sold={stats.data.sold} persisted={stats.data.persisted} />
          <SalesChart timeline={stats.data?.timeline} />
          <ConversionChart series={conversion} />
          <p className="stats__footer muted">
            {stats.data.shards} {stats.data.shards === 1 ? "shard" : "shards"} · updated{" "}
            <time dateTime={stats.data.at}>{formatTime(stats.data.at)}</time>
            {stats.isError ? " · reconnecting…" : ""}
          </p>
        </>
      ) : stats.isError ? (
        <p className="notice notice--error" role="alert">
          Couldn't load stats: {isApiError(stats.error) ? stats.error.message : "unknown error"}
        </p>
      ) : (
        <Spinner label="Loading stats…" />
      )}
    </article>
  );
}

function Stat({
  label,
  value,
  tone,
  hint,
}: {
  label: string;
  value: number | string;
  tone?: "ok" | "warn" | "hot";
  hint?: string;
}) {
  return (
    <div className={tone ? `stat stat--${tone}` : "stat"}>
      <dt>{label}</dt>
      <dd data-testid={`stat-${label.toLowerCase()}`}>{typeof value === "number" ? formatCount(value) : value}</dd>
      {hint ? <dd className="stat__hint">{hint}</dd> : null}
    </div>
  );
}

function SoldBar({ capacity, sold, persisted }: { capacity: number; sold: number; persisted: number }) {
  const pct = (n: number) => (capacity > 0 ? Math.min(100, (n / capacity) * 100) : 0);
  return (
    <div className="soldbar" aria-hidden="true">
      <div className="soldbar__sold" style={{ width: `${pct(sold)}%` }} />
      <div className="soldbar__persisted" style={{ width: `${pct(persisted)}%` }} />
    </div>
  );
}
