import { log } from "../log/index.ts";
import { OrderRecord } from "../order/index.ts";
import type { PaymentProvider } from "./payments.ts";

/** A provider refund owed to a buyer and not yet confirmed by the provider. */
export interface RefundOwed {
  orderId: string;
  paymentRef: string;
  showId: string;
  /** The order record's JSON, as the provider adapter is handed it. */
  record: string;
  owedAt: string;
  attempts: number;
  lastError?: string;
}

/**
 * Where owed refunds are kept: durably (the space may lose its shows). The ElectroDB adapter is
 * `db/refunds-owed.ts` (`ElectroRefundsOwed`); `InMemoryRefundsOwed` (`db/in-memory.ts`) keeps the
 * same contract (`db/stores.contract.ts`).
 */
export interface RefundsOwed {
  /** Records the debt; owing the same order again starts it afresh. */
  owe(refund: RefundOwed): Promise<void>;
  /** One more attempt failed: its count and error, for the operator. A refund no longer owed stays settled. */
  failed(orderId: string, attempts: number, lastError: string): Promise<void>;
  /** The provider confirmed it: owed no more. */
  settle(orderId: string): Promise<void>;
  /** Every refund still owed, read consistently. */
  all(): Promise<RefundOwed[]>;
}

/**
 * Refunds owed to buyers, kept until the provider confirms them: a refund call that fails (the
 * provider down, a timeout) is not lost with the request that made it. The sweeper retries every
 * owed refund each run until it succeeds; the provider's refund is idempotent per order, so a
 * retry of one that did go through refunds nothing twice.
 */
export class RefundLedger {
  constructor(private readonly store: RefundsOwed) {}

  /** Records the debt, then tries the provider once. False: it failed and is owed (logged, retried by the sweeper). */
  async refund(payments: PaymentProvider, order: OrderRecord, paymentRef: string): Promise<boolean> {
    await this.store.owe({
      orderId: order.id,
      paymentRef,
      showId: order.showId,
      record: JSON.stringify(order),
      owedAt: new Date().toISOString(),
      attempts: 0,
    });
    return this.attempt(payments, order, paymentRef, 0);
  }

  private async attempt(payments: PaymentProvider, order: OrderRecord, paymentRef: string, attempts: number) {
    try {
      await payments.refund(order, paymentRef);
    } catch (e) {
      const lastError = String((e as Error)?.message ?? e).slice(0, 500);
      log.warn("checkout.refund_failed", { orderId: order.id, attempts: attempts + 1, error: lastError });
      // Only bookkeeping: the debt itself is recorded already, so failing to count the attempt loses nothing.
      await this.store.failed(order.id, attempts + 1, lastError).catch(() => {});
      return false;
    }
    await this.store.settle(order.id);
    return true;
  }

  /** Every refund still owed, read consistently. */
  owed(): Promise<RefundOwed[]> {
    return this.store.all();
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
