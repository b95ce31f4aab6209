import { useMetrics } from "../api/get-metrics.ts";

/** The metric names the stage dashboard graphs, as a person reads them. */
const labels: [string, string][] = [
  ["OrdersAccepted", "Orders accepted"],
  ["PaymentsConfirmed", "Payments confirmed"],
  ["PurchasesRefused", "Purchases refused"],
  ["RateLimited", "Rate limited (429)"],
  ["Unavailable503", "Unavailable (503)"],
  ["PendingOrders", "Orders pending in the pump"],
  ["OldestPendingAgeMs", "Oldest pending (ms)"],
  ["SpaceRebuilds", "Space rebuilds"],
];

/**
 * The same metrics the stage's CloudWatch dashboard shows, counted by this API process since it
 * started. On AWS the API answers 404 here (its metrics go to CloudWatch) and the panel stays away.
 */
export function ProcessMetricsPanel() {
  const metrics = useMetrics();
  if (!metrics.data) return null;
  const values = metrics.data.metrics;
  return (
    <section className="card" aria-labelledby="process-metrics-heading">
      <h2 id="process-metrics-heading">API metrics</h2>
      <p className="muted">Since {new Date(metrics.data.since).toLocaleTimeString()}, this API process.</p>
      <dl className="stat-tiles">
        {labels.map(([name, label]) => (
          <div key={name}>
            <dt>{label}</dt>
            <dd data-testid={`metric-${name}`}>{(values[name] ?? 0).toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
