import { CHART_BUCKET_MS, CHART_WINDOW_MS, type SalesSample, salesPerBucket } from "../lib/sales-history.ts";

const BUCKETS = CHART_WINDOW_MS / CHART_BUCKET_MS;
const WIDTH = 300;
const HEIGHT = 84;
const GAP = 2;

export function SalesChart({ samples }: { samples: SalesSample[] }) {
  const last = samples.at(-1);
  const buckets = last ? salesPerBucket(samples, last.atMs, CHART_BUCKET_MS, BUCKETS) : Array<number>(BUCKETS).fill(0);
  const peak = Math.max(1, ...buckets);
  const total = buckets.reduce((sum, n) => sum + n, 0);
  const barWidth = WIDTH / BUCKETS - GAP;
  const summary = `${total} tickets sold in the last ${CHART_WINDOW_MS / 60_000} minutes, at most ${peak} in any ${CHART_BUCKET_MS / 1000} seconds.`;

  return (
    <figure className="chart">
      <figcaption className="chart__caption">
        <span>Sales, last {CHART_WINDOW_MS / 60_000} min</span>
        <span className="chart__legend">
          per {CHART_BUCKET_MS / 1000} s · peak {peak}
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
          const bucketEndMs = (last?.atMs ?? 0) - (BUCKETS - 1 - i) * CHART_BUCKET_MS;
          return (
            <rect
              key={bucketEndMs}
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
        <span>−{CHART_WINDOW_MS / 60_000} min</span>
        <span>now</span>
      </div>
    </figure>
  );
}
