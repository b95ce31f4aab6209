import { useEffect } from "react";
import { Route, Switch, useLocation } from "wouter";
import { NotFound } from "../components/feedback.tsx";
import { AdminRoute } from "./routes/admin.tsx";
import { CheckoutRoute } from "./routes/checkout.tsx";
import { MyOrdersRoute } from "./routes/my-orders.tsx";
import { OrderRoute } from "./routes/order.tsx";
import { OutboxRoute } from "./routes/outbox.tsx";
import { ShowRoute } from "./routes/show.tsx";
import { ShowsRoute } from "./routes/shows.tsx";
import { SignInRoute } from "./routes/sign-in.tsx";

export function AppRouter() {
  const [location] = useLocation();
  useEffect(() => {
    // A new page starts at the top, like a full page load would.
    if (location) window.scrollTo(0, 0);
  }, [location]);

  return (
    <Switch>
      <Route path="/">
        <ShowsRoute />
      </Route>
      <Route path="/shows/:showId">{(params) => <ShowRoute key={params.showId} showId={params.showId} />}</Route>
      <Route path="/orders/:orderId/checkout">
        {(params) => <CheckoutRoute key={params.orderId} orderId={params.orderId} />}
      </Route>
      <Route path="/orders/:orderId">{(params) => <OrderRoute key={params.orderId} orderId={params.orderId} />}</Route>
      <Route path="/me/orders">
        <MyOrdersRoute />
      </Route>
      <Route path="/sign-in">
        <SignInRoute />
      </Route>
      <Route path="/outbox">
        <OutboxRoute />
      </Route>
      <Route path="/admin">
        <AdminRoute />
      </Route>
      <Route>
        <NotFound title="Page not found">
          <p>
            <a href="/">See all shows</a>
          </p>
        </NotFound>
      </Route>
    </Switch>
  );
}
