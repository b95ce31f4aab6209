import { LoadError } from "../../components/feedback.tsx";
import { useShows } from "../../features/shows/api/get-shows.ts";
import { ShowList } from "../../features/shows/components/show-list.tsx";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

export function ShowsRoute() {
  useDocumentTitle("Shows");
  const shows = useShows();
  const sorted = shows.data ? [...shows.data].sort((a, b) => a.startsAt.localeCompare(b.startsAt)) : [];

  return (
    <>
      <section className="page-hero">
        <h1>Upcoming shows</h1>
        <p className="muted">Sales open on the minute. Counts update live; no need to refresh.</p>
      </section>
      {shows.isPending ? (
        <ul className="show-grid" aria-busy="true" aria-label="Loading shows">
          {[0, 1, 2].map((i) => (
            <li key={i} className="skeleton" />
          ))}
        </ul>
      ) : shows.isError ? (
        <LoadError error={shows.error} what="the shows" onRetry={() => shows.refetch()} />
      ) : (
        <ShowList shows={sorted} />
      )}
    </>
  );
}
