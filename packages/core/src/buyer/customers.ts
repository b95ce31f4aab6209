import { newSecretUlid } from "../id/index.ts";

/**
 * Who a verified address is: a stable, opaque customer id, made on first sign-in. The id is what
 * tokens, orders and limits carry; the address stays here.
 */
export interface CustomerDirectory {
  idFor(subject: string, email: string): Promise<string>;
}

export const newCustomerId = () => `cus_${newSecretUlid()}`;

export interface CustomerStore {
  get(subject: string): Promise<string | undefined>;
  /** Stores the pair unless `subject` already has one; false when it had. */
  createIfAbsent(subject: string, customerId: string, email: string): Promise<boolean>;
}

/** Two first sign-ins of one address at once agree on one id: the conditional create picks the winner. */
export class Customers implements CustomerDirectory {
  constructor(private readonly store: CustomerStore) {}

  async idFor(subject: string, email: string): Promise<string> {
    const known = await this.store.get(subject);
    if (known) return known;
    const id = newCustomerId();
    if (await this.store.createIfAbsent(subject, id, email)) return id;
    const winner = await this.store.get(subject);
    if (!winner) throw new Error("customer vanished between create and read");
    return winner;
  }
}

export class MemoryCustomerStore implements CustomerStore {
  readonly rows = new Map<string, { customerId: string; email: string }>();

  async get(subject: string) {
    return this.rows.get(subject)?.customerId;
  }

  async createIfAbsent(subject: string, customerId: string, email: string) {
    if (this.rows.has(subject)) return false;
    this.rows.set(subject, { customerId, email });
    return true;
  }
}
