import type { Db } from "../db/index.ts";
import { log } from "../log/index.ts";
import { OrderRecord } from "../order/index.ts";
import type { PaymentProvider } from "./payments.ts";

/**
 * Refunds owed to buyers, kept in DynamoDB until the provider confirms them: a refund call that
 * fails (the provider down, a timeout) is not lost with the request that made it. The sweeper
 * retries every owed refund each run until it succeeds; the provider's refund is idempotent per
 * order, so a retry of one that did go through refunds nothing twice.
 */
export class RefundLedger {
  constructor(private readonly db: Db) {}

  /** Records the debt, then tries the provider once. False: it failed and is owed (logged, retried by the sweeper). */
  async refund(payments: PaymentProvider, order: OrderRecord, paymentRef: string): Promise<boolean> {
    await this.db.entities.refundOwed
      .put({
        orderId: order.id,
        paymentRef,
        showId: order.showId,
        record: JSON.stringify(order),
        owedAt: new Date().toISOString(),
        attempts: 0,
      })
      .go({ response: "none" });
    return this.attempt(payments, order, paymentRef, 0);
  }

  private async attempt(payments: PaymentProvider, order: OrderRecord, paymentRef: string, attempts: number) {
    try {
      await payments.refund(order, paymentRef);
    } catch (e) {
      const lastError = String((e as Error)?.message ?? e).slice(0, 500);
      log.warn("checkout.refund_failed", { orderId: order.id, attempts: attempts + 1, error: lastError });
      await this.db.entities.refundOwed
        .patch({ orderId: order.id })
        .set({ attempts: attempts + 1, lastError })
        .go({ response: "none" })
        .catch(() => {});
      return false;
    }
    await this.db.entities.refundOwed.delete({ orderId: order.id }).go({ response: "none" });
    return true;
  }

  /** Every refund still owed, read consistently. */
  async owed() {
    const { data } = await this.db.entities.refundOwed.query.primary({}).go({ pages: "all", consistent: true });
    return data;
  }

  /** The sweeper's retry: each owed refund tried once. */
  async retryOwed(payments: PaymentProvider): Promise<{ refunded: number; owed: number }> {
    let refunded = 0;
    let owed = 0;
    for (const r of await this.owed()) {
      const order = OrderRecord.parse(JSON.parse(r.record));
      if (await this.attempt(payments, order, r.paymentRef, r.attempts)) refunded++;
      else owed++;
    }
    if (owed > 0) log.warn("checkout.refunds_owed", { owed });
    return { refunded, owed };
  }
}
