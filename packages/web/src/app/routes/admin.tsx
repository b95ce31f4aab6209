import { useQueryClient } from "@tanstack/react-query";
import { LoadError, Spinner } from "../../components/feedback.tsx";
import { adminKeys } from "../../features/admin/api/admin-keys.ts";
import { useAdminShows } from "../../features/admin/api/get-admin-shows.ts";
import { AdminTokenForm } from "../../features/admin/components/admin-token-form.tsx";
import { CreateShowForm } from "../../features/admin/components/create-show-form.tsx";
import { ProcessMetricsPanel } from "../../features/admin/components/process-metrics-panel.tsx";
import { RefundOrderForm } from "../../features/admin/components/refund-order-form.tsx";
import { ShowStatsPanel } from "../../features/admin/components/show-stats-panel.tsx";
import { setAdminToken, useAdminToken, wasAdminTokenRefused } from "../../features/admin/lib/admin-token.ts";
import { showKeys } from "../../features/shows/api/show-keys.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

export function AdminRoute() {
  useDocumentTitle("Admin");
  const token = useAdminToken();

  return (
    <div className="admin">
      <section className="page-hero page-hero--row">
        <div>
          <h1>Box office console</h1>
          <p className="muted">Create shows, open sales, and watch them sell in real time.</p>
        </div>
        {token ? (
          <button type="button" className="button button--ghost button--small" onClick={() => setAdminToken(null)}>
            Sign out
          </button>
        ) : null}
      </section>
      {token ? <AdminConsole /> : <AdminTokenForm refused={wasAdminTokenRefused()} />}
    </div>
  );
}

function AdminConsole() {
  const queryClient = useQueryClient();
  const shows = useAdminShows();
  // The console's list and the storefront's (a preloaded show goes on sale there).
  const refreshShows = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.shows() }),
      queryClient.invalidateQueries({ queryKey: showKeys.all }),
    ]);
  const newestFirst = shows.data ? [...shows.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : [];

  return (
    <div className="admin__grid">
      <div className="admin__forms">
        <CreateShowForm onCreated={() => void refreshShows()} />
        <RefundOrderForm />
        <ProcessMetricsPanel />
      </div>
      <section aria-labelledby="live-stats-heading" className="admin__stats">
        <h2 id="live-stats-heading">Live sales</h2>
        {shows.isPending ? (
          <Spinner label="Loading shows…" />
        ) : shows.isError ? (
          <LoadError error={shows.error} what="the shows" onRetry={() => shows.refetch()} />
        ) : newestFirst.length === 0 ? (
          <p className="muted">No shows yet. Create one to get started.</p>
        ) : (
          newestFirst.map((show) => (
            <ShowStatsPanel key={show.id} show={show} onPreloaded={() => void refreshShows()} />
          ))
        )}
      </section>
    </div>
  );
}
