import { LoadError, NotFound, Spinner } from "../../components/feedback.tsx";
import { useOutbox } from "../../features/auth/api/get-outbox.ts";
import { OutboxList } from "../../features/auth/components/outbox-list.tsx";
import { localOutboxPath } from "../../features/auth/lib/local-outbox.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

/** Local mode only: the mail the local stack wrote instead of sending. */
export function OutboxRoute() {
  useDocumentTitle("Local outbox");
  const outbox = useOutbox();

  if (localOutboxPath() === undefined) {
    return (
      <NotFound title="Page not found">
        <p>The outbox exists only on the local stack, where no mail is sent.</p>
      </NotFound>
    );
  }

  return (
    <>
      <section className="page-hero">
        <h1>Local outbox</h1>
        <p className="muted">
          The local stack sends no mail: each message is written here instead. Newest first; this page updates by
          itself.
        </p>
      </section>
      {outbox.isPending ? (
        <Spinner label="Loading messages…" />
      ) : outbox.isError ? (
        <LoadError error={outbox.error} what="the outbox" onRetry={() => outbox.refetch()} />
      ) : (
        <OutboxList messages={outbox.data} />
      )}
    </>
  );
}
