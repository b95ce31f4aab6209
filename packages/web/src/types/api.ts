// Resource shapes of the HotSeat public API, taken from the core's own types (type-only: nothing
// of the core ships to the browser), so each shape is defined once.
import type { Order as CoreOrder } from "@hotseat/core/order";
import type { ShowStats as CoreShowStats, ShowView } from "@hotseat/core/sale";
import type { Availability as CoreAvailability } from "@hotseat/core/show";

export type Show = ShowView;
export type ShowStatus = Show["status"];
export type Availability = CoreAvailability;
export type Order = CoreOrder;
export type OrderStatus = Order["status"];
export type ShowStats = CoreShowStats;
export type { CheckoutSession } from "@hotseat/core/checkout";
