import { describe, expect, it } from "vitest";
import { InMemoryRefundsOwed } from "../db/in-memory.ts";
import { newOrderId, type OrderRecord } from "../order/index.ts";
import { newShowId } from "../show/index.ts";
import { TestPayments } from "./payments.ts";
import { RefundLedger } from "./refunds.ts";

// The ledger on the in-memory store (held to ElectroRefundsOwed's contract in db/stores.contract.ts).

const order = (): OrderRecord => ({
  id: newOrderId(),
  showId: newShowId(),
  customerId: "cus-1",
  quantity: 2,
  createdAt: "2026-12-01T10:00:00.000Z",
  idempotencyKey: "key-xxxxxxxx",
  shard: 0,
  soldAfter: 2,
  priceCents: 2500,
  status: "refunded",
  version: 3,
});

/** The test provider, down for its first `failures` refunds. */
class FlakyPayments extends TestPayments {
  constructor(private failures: number) {
    super();
  }
  override async refund(o: OrderRecord, paymentRef: string) {
    if (this.failures-- > 0) throw new Error("provider down");
    await super.refund(o, paymentRef);
  }
}

describe("RefundLedger", () => {
  it("owes nothing once the provider refunded at the first try", async () => {
    const store = new InMemoryRefundsOwed();
    const payments = new TestPayments();
    const o = order();
    expect(await new RefundLedger(store).refund(payments, o, "pi_1")).toBe(true);
    expect(payments.refunds).toEqual([{ orderId: o.id, paymentRef: "pi_1" }]);
    expect(await store.all()).toEqual([]);
  });

  it("keeps a failed refund owed, counts each failed retry, and settles it once the provider takes it", async () => {
    const store = new InMemoryRefundsOwed();
    const ledger = new RefundLedger(store);
    const payments = new FlakyPayments(2);
    const o = order();
    expect(await ledger.refund(payments, o, "pi_2")).toBe(false);
    expect(await ledger.owed()).toMatchObject([
      { orderId: o.id, paymentRef: "pi_2", attempts: 1, lastError: "provider down" },
    ]);
    expect(await ledger.retryOwed(payments)).toEqual({ refunded: 0, owed: 1 });
    expect((await ledger.owed())[0]?.attempts).toBe(2);
    expect(await ledger.retryOwed(payments)).toEqual({ refunded: 1, owed: 0 });
    expect(payments.refunds).toEqual([{ orderId: o.id, paymentRef: "pi_2" }]);
    expect(await ledger.owed()).toEqual([]);
    expect(await ledger.retryOwed(payments)).toEqual({ refunded: 0, owed: 0 });
  });

  it("answers for the refund even when counting a failed attempt fails", async () => {
    const store = new InMemoryRefundsOwed();
    store.failed = async () => {
      throw new Error("table away");
    };
    const o = order();
    expect(await new RefundLedger(store).refund(new FlakyPayments(1), o, "pi_3")).toBe(false);
    expect((await store.all()).map((r) => r.orderId)).toEqual([o.id]);
  });
});
