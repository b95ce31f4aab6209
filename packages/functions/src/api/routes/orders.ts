import { createRoute, z } from "@hono/zod-openapi";
import { HotSeatError } from "@hotseat/core/error";
import { OrderId } from "@hotseat/core/order";
import type { Sales } from "@hotseat/core/sale";
import type { MiddlewareHandler } from "hono";
import type { BuyerEnv } from "../auth.ts";
import { buyerSecurity, idParam, json, refusals, routes } from "../openapi.ts";
import { Order } from "../schemas.ts";

/** A malformed id names nothing that exists: 404, the same as an unknown one. */
export const knownOrderId = (id: string) => {
  if (!OrderId.safeParse(id).success) throw new HotSeatError("order_not_found", `no order ${id}`);
  return id;
};

export const orderId = z.object({ orderId: idParam("orderId", "ord_01JZ8Q3R4S5T6V7W8X9Y0Z1A2B") });

/** `GET /orders/:orderId`: the owner's order; another buyer's is as unknown as a made-up one. */
export function orderRoutes(sales: Sales, buyer: MiddlewareHandler<BuyerEnv>) {
  const one = createRoute({
    method: "get",
    path: "/{orderId}",
    tags: ["orders"],
    summary: "One of the buyer's orders",
    security: buyerSecurity,
    middleware: buyer,
    request: { params: orderId },
    responses: {
      200: json(z.object({ order: Order }), "the order, with its status and whether DynamoDB holds it yet"),
      ...refusals("unauthorized", "order_not_found"),
    },
  });
  return routes<BuyerEnv>().openapi(one, async (c) => {
    const id = knownOrderId(c.req.param("orderId"));
    c.header("Cache-Control", "private, no-store");
    return c.json({ order: await sales.getOrder(id, c.get("customerId")) }, 200);
  });
}

/** `GET /me/orders`: the signed-in buyer's orders, newest first. */
export function myOrderRoutes(sales: Sales, buyer: MiddlewareHandler<BuyerEnv>) {
  const mine = createRoute({
    method: "get",
    path: "/orders",
    tags: ["orders"],
    summary: "The buyer's orders",
    security: buyerSecurity,
    middleware: buyer,
    responses: {
      200: json(z.object({ orders: z.array(Order) }), "the buyer's orders"),
      ...refusals("unauthorized"),
    },
  });
  return routes<BuyerEnv>().openapi(mine, async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({ orders: await sales.customerOrders(c.get("customerId")) }, 200);
  });
}
