import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { checkoutKeys } from "../features/checkout/api/checkout-keys.ts";
import { orderKeys } from "../features/orders/api/order-keys.ts";
import { makeQueryClient } from "../lib/query-client.ts";
import { useSession } from "../lib/session.ts";

export function AppProvider({ children, client }: { children: ReactNode; client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? makeQueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <ForgetOrdersOnSignOut client={queryClient} />
      {children}
    </QueryClientProvider>
  );
}

/** A buyer's orders are theirs: once they sign out, none stays in this tab's cache for the next person. */
function ForgetOrdersOnSignOut({ client }: { client: QueryClient }) {
  const customerId = useSession()?.customerId ?? null;
  useEffect(() => {
    if (customerId === null) {
      client.removeQueries({ queryKey: orderKeys.all });
      client.removeQueries({ queryKey: checkoutKeys.all });
    }
  }, [customerId, client]);
  return null;
}
