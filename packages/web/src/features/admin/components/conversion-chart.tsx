import type { ConversionSample } from "../lib/conversion-series.ts";

const WIDTH = 300;
const HEIGHT = 60;

export const formatRate = (rate: number | null) => (rate === null ? "–" : `${Math.round(rate * 100)}%`);

/** Conversion (confirmed of taken) across the stats polls seen, as a line from 0 % (bottom) to 100 % (top). */
export function ConversionChart({ series }: { series: ConversionSample[] }) {
  const points = series.filter((s) => s.rate !== null) as (ConversionSample & { rate: number })[];
  const first = points[0];
  const last = points.at(-1);
  const span = first && last ? Math.max(1, last.at - first.at) : 1;
  const coords = points.map((p) => {
    const x = points.length === 1 ? WIDTH : ((p.at - (first?.at ?? 0)) / span) * WIDTH;
    const y = HEIGHT - p.rate * (HEIGHT - 4) - 2;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const seconds = first && last ? Math.round((last.at - first.at) / 1000) : 0;
  const summary = last
    ? `Conversion ${formatRate(last.rate)} now (${last.confirmed} confirmed of ${last.taken} taken); from ${formatRate(first?.rate ?? null)} ${seconds} seconds ago.`
    : "No tickets taken yet: no conversion to show.";

  return (
    <figure className="chart chart--conversion">
      <figcaption className="chart__caption">
        <span>Conversion over time</span>
        <span className="chart__legend">confirmed ÷ taken · since this page opened</span>
      </figcaption>
      <svg
        className="chart__svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
        data-testid="conversion-chart"
      >
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="chart__axis" />
        {coords.length > 1 ? (
          <polyline points={coords.join(" ")} className="chart__line" fill="none" />
        ) : coords.length === 1 ? (
          <circle cx={WIDTH - 3} cy={coords[0]?.split(",")[1]} r={3} className="chart__dot" />
        ) : null}
      </svg>
    </figure>
  );
}
