import type { ShowStats } from "../../../types/api.ts";

const WIDTH = 300;
const HEIGHT = 84;
const GAP = 2;

/** Tickets sold per bucket, from the space's own sales timeline (so it shows sales made before the page opened). */
export function SalesChart({ timeline }: { timeline: ShowStats["timeline"] | undefined }) {
  const buckets = timeline?.buckets.map((b) => b.tickets) ?? [];
  const count = Math.max(1, buckets.length);
  const bucketSeconds = (timeline?.bucketMs ?? 15_000) / 1000;
  const windowMinutes = Math.round((count * bucketSeconds) / 60);
  const peak = Math.max(1, ...buckets);
  const total = buckets.reduce((sum, n) => sum + n, 0);
  const barWidth = WIDTH / count - GAP;
  const summary = `${total} tickets sold in the last ${windowMinutes} minutes, at most ${peak} in any ${bucketSeconds} seconds.`;

  return (
    <figure className="chart">
      <figcaption className="chart__caption">
        <span>Sales, last {windowMinutes} min</span>
        <span className="chart__legend">
          per {bucketSeconds} s · peak {peak}
        </span>
      </figcaption>
      <svg
        className="chart__svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
      >
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="chart__axis" />
        {buckets.map((n, i) => {
          const h = n === 0 ? 0 : Math.max(2, (n / peak) * (HEIGHT - 6));
          return (
            <rect
              key={timeline?.buckets[i]?.at ?? i}
              x={i * (barWidth + GAP)}
              y={HEIGHT - h}
              width={barWidth}
              height={h}
              rx={1.5}
              className="chart__bar"
            >
              <title>{`${n} sold`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="chart__ticks" aria-hidden="true">
        <span>−{windowMinutes} min</span>
        <span>now</span>
      </div>
    </figure>
  );
}
