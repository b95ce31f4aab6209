import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newOrderId, type OrderRecord } from "@hotseat/core/order";
import { newShowId } from "@hotseat/core/show";
import { createSpaceClient, fingerprintOf, InventorySpace, type SpaceClient } from "@hotseat/core/space";
import { type LocalRedis, startRedis } from "@hotseat/local/redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { diagnoseShow } from "../src/diagnose.ts";

// The harness's diagnosis of a failed capacity check, on a real redis-server: what the space holds of a show
// against what DynamoDB holds, so a failure can be read after the run instead of only replayed.
let redis: LocalRedis;
let client: SpaceClient;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-diagnose-"));
beforeAll(async () => {
  redis = await startRedis(dir);
  client = createSpaceClient({ url: redis.url });
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

it("names each order whose status the space and DynamoDB disagree on, or that only one of them holds", async () => {
  const space = new InventorySpace(client);
  const showId = newShowId();
  await space.loadShard(showId, 0, 10, 4);
  const take = async (customerId: string, quantity: number) => {
    const order: Omit<OrderRecord, "soldAfter"> = {
      id: newOrderId(),
      showId,
      customerId,
      quantity,
      createdAt: "2000-01-01T00:00:00.000Z",
      idempotencyKey: `diagnose-${customerId}`,
      shard: 0,
      priceCents: 2500,
      status: "held",
      version: 1,
    };
    await space.takeTickets({
      showId,
      shard: 0,
      customerId,
      idempotencyKey: order.idempotencyKey,
      fingerprint: fingerprintOf(quantity),
      order,
      holdMs: 60_000,
    });
    return order.id;
  };
  const agreed = await take("cus_a", 2);
  const differs = await take("cus_b", 3);
  const onlyInSpace = await take("cus_c", 1);
  const onlyInDb = newOrderId();
  const dbOrder = (orderId: string, quantity: number, status: string) => ({
    orderId,
    showId,
    customerId: "cus_x",
    quantity,
    idempotencyKey: orderId,
    status,
  });
  fs.writeFileSync(
    path.join(dir, "api-0.log"),
    `${JSON.stringify({ time: "2026-12-02T10:00:01.000Z", event: "space.rehydrated", showId })}\n` +
      `${JSON.stringify({ time: "2026-12-02T10:00:00.000Z", event: "space.rehydrating", showId })}\n` +
      `${JSON.stringify({ time: "2026-12-02T10:00:00.500Z", event: "order.accepted", showId })}\n`,
  );

  const d = await diagnoseShow(
    client,
    { id: showId, capacity: 10, maxPerCustomer: 4, shards: 1, priced: true, holdSeconds: 60 },
    { orders: [dbOrder(agreed, 2, "held"), dbOrder(differs, 3, "expired"), dbOrder(onlyInDb, 4, "confirmed")] },
    dir,
  );
  expect(d.shards).toHaveLength(1);
  expect(d.shards[0]?.inventory).toMatchObject({ stock: "4", status: "on_sale" });
  expect(d.shards[0]?.tickets).toEqual({ held: 6 });
  expect(d.shards[0]?.orders).toBe(3);
  expect(d.dbTickets).toEqual({ held: 2, expired: 3, confirmed: 4 });
  expect(d.differences.sort()).toEqual(
    [`${differs} 3 held→expired`, `${onlyInDb} 4 absent→confirmed`, `${onlyInSpace} 1 held→absent`].sort(),
  );
  // Only the rebuild's lines, oldest first.
  expect(d.logLines.map((l) => JSON.parse(l.slice(l.indexOf("{"))).event)).toEqual([
    "space.rehydrating",
    "space.rehydrated",
  ]);
});
