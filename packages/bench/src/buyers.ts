import { BuyerTokens, newBuyerTokenKey } from "@hotseat/core/buyer";

/**
 * Buyers signed in ahead of the sale, as fans are: one token each, minted with the key the API
 * verifies with (what `/auth/email/verify` would hand each of them). Every buyer's first purchase
 * pays a full signature check in the API, as it would on the day.
 */
export class BuyerPool {
  private next = 0;
  private constructor(
    private readonly headers: string[],
    private readonly byCustomer: Map<string, string>,
  ) {}

  static async signIn(tokens: BuyerTokens, count: number, prefix: string): Promise<BuyerPool> {
    const run = Date.now().toString(36);
    const customers = Array.from({ length: count }, (_, i) => `b-${prefix}-${run}-${i}`);
    const headers = (await Promise.all(customers.map((c) => tokens.issue(c)))).map((t) => `Bearer ${t.token}`);
    return new BuyerPool(headers, new Map(customers.map((c, i) => [c, headers[i] as string])));
  }

  /** The next buyer's Authorization header; past the last one the first come back (and are refused as such). */
  authorization(): string {
    return this.headers[this.next++ % this.headers.length] as string;
  }

  /** The Authorization header of the buyer signed in as `customerId`. */
  authorizationOf(customerId: string): string | undefined {
    return this.byCustomer.get(customerId);
  }

  get size() {
    return this.headers.length;
  }
}

/** What checking a buyer token costs in one process: a first sight (a signature check) and a repeat (cached). */
export async function measureTokenVerify(samples = 2000): Promise<{ freshMicros: number; cachedMicros: number }> {
  const tokens = new BuyerTokens(await newBuyerTokenKey());
  const issued = await Promise.all(Array.from({ length: samples }, (_, i) => tokens.issue(`probe-${i}`)));
  const time = async () => {
    const start = performance.now();
    for (const t of issued) await tokens.customerOf(t.token);
    return Math.round(((performance.now() - start) * 1000) / samples);
  };
  const freshMicros = await time();
  return { freshMicros, cachedMicros: await time() };
}
