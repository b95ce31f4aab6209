import type { Db } from "../db/index.ts";
import type { CustomerStore } from "./customers.ts";

/** Customers in the single table (ElectroDB `customer`), created with a condition so a race has one winner. */
export class DynamoCustomerStore implements CustomerStore {
  constructor(private readonly db: Db) {}

  async get(subject: string) {
    const { data } = await this.db.entities.customer.get({ subject }).go({ attributes: ["customerId"] });
    return data?.customerId;
  }

  async createIfAbsent(subject: string, customerId: string, email: string) {
    try {
      await this.db.entities.customer.create({ subject, customerId, email, createdAt: new Date().toISOString() }).go();
      return true;
    } catch (e) {
      // ElectroDB wraps the SDK's error; the condition failing is the one outcome that means "it existed".
      const cause = (e as { cause?: { name?: string } }).cause;
      if (cause?.name === "ConditionalCheckFailedException") return false;
      throw e;
    }
  }
}
