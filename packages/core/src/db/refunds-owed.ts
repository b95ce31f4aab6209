import type { RefundOwed, RefundsOwed } from "../checkout/refunds.ts";
import type { Db } from "./entities.ts";
import { isConditionFailure } from "./unavailable.ts";

/** Owed refunds in the single table, all in one partition (refunds are rare; see `refundOwedSchema`). */
export class ElectroRefundsOwed implements RefundsOwed {
  constructor(private readonly db: Db) {}

  async owe(refund: RefundOwed): Promise<void> {
    await this.db.entities.refundOwed.put(refund).go({ response: "none" });
  }

  async failed(orderId: string, attempts: number, lastError: string): Promise<void> {
    try {
      // A patch: a refund settled meanwhile is not brought back.
      await this.db.entities.refundOwed.patch({ orderId }).set({ attempts, lastError }).go({ response: "none" });
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async settle(orderId: string): Promise<void> {
    await this.db.entities.refundOwed.delete({ orderId }).go({ response: "none" });
  }

  async all(): Promise<RefundOwed[]> {
    const { data } = await this.db.entities.refundOwed.query.primary({}).go({ pages: "all", consistent: true });
    return data;
  }
}
