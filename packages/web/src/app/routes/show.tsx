import { useQueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { LoadError, NotFound, Spinner } from "../../components/feedback.tsx";
import { SignInForm } from "../../features/auth/components/sign-in-form.tsx";
import { PurchasePanel } from "../../features/purchase/components/purchase-panel.tsx";
import { useAvailability } from "../../features/shows/api/get-availability.ts";
import { useShow } from "../../features/shows/api/get-show.ts";
import { showKeys } from "../../features/shows/api/show-keys.ts";
import { LiveRemaining } from "../../features/shows/components/live-remaining.tsx";
import { ShowHeader } from "../../features/shows/components/show-header.tsx";
import { isApiError } from "../../lib/api-client.ts";
import { useSession } from "../../lib/session.ts";
import { useDocumentTitle } from "../../lib/use-document-title.ts";

export function ShowRoute({ showId }: { showId: string }) {
  const queryClient = useQueryClient();
  const customerId = useSession()?.customerId ?? null;
  const show = useShow(showId);
  const availability = useAvailability(showId);
  useDocumentTitle(show.data?.name);

  if (show.isPending) return <Spinner label="Loading show…" />;
  if (show.isError) {
    if (isApiError(show.error) && show.error.code === "show_not_found") {
      return (
        <NotFound title="Show not found">
          <p>
            It may have been removed. <Link href="/">See all shows</Link>
          </p>
        </NotFound>
      );
    }
    return <LoadError error={show.error} what="this show" onRetry={() => show.refetch()} />;
  }

  // The show record is the first answer; the availability poll then keeps the count live.
  const live = availability.data ?? {
    remaining: show.data.remaining,
    held: show.data.held,
    soldOut: show.data.soldOut,
    onSale: show.data.status === "on_sale",
  };

  return (
    <div className="show-page">
      <p className="breadcrumb">
        <Link href="/">← All shows</Link>
      </p>
      <div className="show-page__grid">
        <div className="show-page__info">
          <ShowHeader show={show.data} />
          <LiveRemaining
            remaining={live.remaining}
            held={live.held}
            capacity={show.data.capacity}
            soldOut={live.soldOut}
            onSale={live.onSale}
            live={!availability.isError}
          />
        </div>
        <PurchasePanel
          showId={showId}
          customerId={customerId}
          signIn={
            <SignInForm
              title="Sign in to buy"
              intro="We'll email you a one-time code; your purchase continues as soon as you're in."
              autoFocus
            />
          }
          priceCents={show.data.priceCents}
          maxPerCustomer={show.data.maxPerCustomer}
          remaining={live.remaining}
          soldOut={live.soldOut}
          onSale={live.onSale}
          onSettled={() => {
            void queryClient.invalidateQueries({ queryKey: showKeys.availability(showId) });
            void queryClient.invalidateQueries({ queryKey: showKeys.list() });
          }}
        />
      </div>
    </div>
  );
}
