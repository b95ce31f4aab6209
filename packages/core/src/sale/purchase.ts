import type { z } from "zod";
import { HotSeatError } from "../error/index.ts";
import { log, maskCustomer } from "../log/index.ts";
import { newOrderId, type Order, type OrderRecord, PurchaseBody, toOrder } from "../order/index.ts";
import type { PumpPublisher } from "../pump/index.ts";
import type { Show } from "../show/index.ts";
import { fingerprintOf, homeShard, type ShardState, type Space } from "../space/index.ts";
import { publishChanges, type ShowAvailability } from "./availability.ts";
import type { Catalogue } from "./catalogue.ts";
import type { Recovery } from "./recovery.ts";
import { remainingOf } from "./view.ts";

/**
 * `PurchaseBody` as the API's validator parses it. The brand exists only in the types: it lets
 * `purchase` take such a body without parsing it a second time.
 */
export const ParsedPurchaseBody = PurchaseBody.brand<"ParsedPurchaseBody">();
export type ParsedPurchaseBody = z.output<typeof ParsedPurchaseBody>;

/**
 * A purchase: `body` is parsed here; `parsedBody` already was, by `ParsedPurchaseBody`. The
 * customer is the one a verified token named, never the body.
 */
export type PurchaseRequest = {
  showId: string;
  customerId: string;
  idempotencyKey: string;
  correlationId?: string;
  /** The request's trace header (X-Ray's `X-Amzn-Trace-Id` on AWS). */
  traceId?: string;
} & ({ body: PurchaseBody } | { parsedBody: ParsedPurchaseBody });

export interface PurchaseDeps {
  catalogue: Pick<Catalogue, "showSettings">;
  availability: Pick<ShowAvailability, "readShardsReclaimed">;
  recovery: Pick<Recovery, "recover">;
  space: Pick<Space, "takeTickets" | "moveStock" | "indexOrder" | "creditReleased">;
  publisher: Pick<PumpPublisher, "publishOrder">;
  /**
   * Fault injection for tests: runs right after the space took the tickets and before the
   * pump publish, the exact point where a crash must not lose the sale.
   */
  afterTake?: (record: OrderRecord) => void | Promise<void>;
}

function parsePurchase(body: unknown): PurchaseBody {
  const parsed = PurchaseBody.safeParse(body);
  if (!parsed.success) throw new HotSeatError("invalid_request", parsed.error.issues[0]?.message ?? "invalid purchase");
  return parsed.data;
}

/**
 * An order is acknowledged only once the pump holds it: the space alone may lose it. The tickets stay
 * taken (pending, re-published by the sweeper); a retry with the same Idempotency-Key returns the order.
 */
const unpublished = () =>
  new HotSeatError("unavailable", "the order could not be recorded yet; retry with the same Idempotency-Key");

/**
 * Taking tickets: atomically from the buyer's home shard in the space, borrowing from the other
 * shards when it is short, then onto the pump. Purchases touch only the space and the pump.
 */
export class Purchases {
  constructor(private readonly deps: PurchaseDeps) {}

  async purchase(req: PurchaseRequest): Promise<{ order: Order; created: boolean }> {
    const { space, publisher } = this.deps;
    const { customerId } = req;
    const { quantity } = "parsedBody" in req ? req.parsedBody : parsePurchase(req.body);
    const show = await this.deps.catalogue.showSettings(req.showId);
    const home = homeShard(customerId, show.shards);
    const now = Date.now();
    // A priced show's purchase holds its tickets while the buyer pays; a free one is confirmed at once. The take
    // stamps the deadline (and createdAt) from the space's clock, so a process's own clock moves no hold.
    const holdMs = show.priceCents > 0 ? show.holdSeconds * 1000 : 0;
    const order: Omit<OrderRecord, "soldAfter"> = {
      id: newOrderId(),
      showId: show.id,
      customerId,
      quantity,
      createdAt: new Date(now).toISOString(),
      idempotencyKey: req.idempotencyKey,
      shard: home,
      priceCents: show.priceCents,
      correlationId: req.correlationId,
      ...(req.traceId ? { traceId: req.traceId.slice(0, 256) } : {}),
      status: holdMs > 0 ? "held" : "confirmed",
      version: 1,
      ...(holdMs > 0 ? { holdExpiresAt: new Date(now + holdMs).toISOString() } : {}),
    };
    let recovered = false;
    for (let attempt = 0; attempt < 4 + show.shards; attempt++) {
      const r = await space.takeTickets({
        showId: show.id,
        shard: home,
        customerId,
        idempotencyKey: req.idempotencyKey,
        fingerprint: fingerprintOf(quantity),
        order,
        holdMs,
      });
      // Holds the take found lapsed: expired, and their tickets on sale once the expiry is in the pump.
      const reopened = publishChanges(publisher, space, r.expired);
      switch (r.outcome) {
        case "ok": {
          await this.deps.afterTake?.(r.record);
          // Acknowledged only once the pump holds the order (else 503, see `unpublished`).
          const [published] = await Promise.all([publisher.publishOrder(r.record), space.indexOrder(r.record, home)]);
          if (!published || log.enabled("debug")) {
            const fields = {
              correlationId: req.correlationId,
              orderId: r.record.id,
              showId: show.id,
              customer: maskCustomer(customerId),
              quantity,
            };
            if (published) log.debug("order.accepted", fields);
            else log.warn("order.publish_deferred", fields);
          }
          if (!published) throw unpublished();
          return { order: toOrder(r.record, false), created: true };
        }
        case "replay":
          return { order: await this.replayed(r.record, r.pending), created: false };
        case "unreplicated":
          // Not on enough replicas to survive a failover, so not acknowledged nor published now. It stays pending
          // in the space: a retry with the same key finds it (and waits again); the sweeper publishes it meanwhile.
          throw new HotSeatError(
            "unavailable",
            "your order is not yet safe on the space's replicas: retry with the same Idempotency-Key",
          );
        case "reused":
          throw new HotSeatError(
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a different purchase",
          );
        case "not_on_sale":
          throw new HotSeatError("not_on_sale", "this show is not on sale");
        case "limit":
          throw new HotSeatError("limit_exceeded", `you may buy ${r.allowed} more ticket(s) for this show`, {
            remaining: r.allowed,
          });
        case "reclaiming":
          // More lapsed holds than one batch were returned to sale: look at the stock again.
          attempt--;
          break;
        case "regressed": // the shard lost acknowledged takes (a failover): it froze itself for the rebuild
        case "missing":
        case "rehydrating":
          if (recovered) throw new HotSeatError("rehydrating", "the show is being restored; retry in a moment");
          await this.deps.recovery.recover(show);
          recovered = true;
          break;
        case "short": {
          // The take expired lapsed holds it found: once their expiry is in the pump their tickets are on sale, so
          // take again before anything else.
          if ((await reopened) > 0) break;
          // The home shard is short. Pull stock from the others only when the show as a whole
          // has enough, so a refusal never moves anything.
          // The take reclaimed lapsed holds on the home shard only: another shard's must not make this a sold out.
          const states = await this.deps.availability.readShardsReclaimed(show, { untilOnSale: true });
          const remaining = remainingOf(states);
          if (remaining < quantity && states.some((s) => s.releasing > 0))
            // Tickets given back whose change is not yet in the pump (it is refusing): on sale once it takes them.
            throw new HotSeatError("unavailable", "tickets are being returned to sale; retry in a moment");
          if (remaining === 0) throw new HotSeatError("sold_out", "sold out", { remaining: 0 });
          if (remaining < quantity)
            throw new HotSeatError("insufficient_inventory", `only ${remaining} ticket(s) left`, { remaining });
          // Enough now: on one shard, holds another reader reclaimed meanwhile; on several, borrowed from the others.
          if (show.shards > 1) await this.borrow(show, home, quantity - r.stock, states);
          break;
        }
      }
    }
    throw new HotSeatError("rehydrating", "the show is busy rebalancing; retry in a moment");
  }

  /**
   * A replay of a purchase the space still has pending: it may be one that was answered 503 because
   * its publish failed, so it is published again before it is acknowledged.
   */
  private async replayed(record: OrderRecord, pending: boolean): Promise<Order> {
    if (pending && !(await this.deps.publisher.publishOrder(record))) throw unpublished();
    return toOrder(record, !pending);
  }

  /** Pulls stock to the buyer's home shard from the others that have some; returns how many tickets moved. */
  private async borrow(show: Show, home: number, need: number, states: ShardState[]): Promise<number> {
    const donors = states.filter((s) => s.shard !== home && s.stock > 0).map((s) => s.shard);
    const start = Math.floor(Math.random() * Math.max(1, donors.length));
    let moved = 0;
    for (let i = 0; i < donors.length && moved < need; i++) {
      const donor = donors[(start + i) % donors.length] as number;
      moved += await this.deps.space.moveStock(show.id, donor, home, need - moved);
    }
    return moved;
  }
}
