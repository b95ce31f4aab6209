// What the sale needs of the database, and nothing more: the shows' settings and the orders the
// writer has persisted. The ElectroDB adapters live in `db/` (`ElectroShowStore`, `ElectroOrderStore`);
// in-memory ones, held to the same contract tests, serve the fast tests beside the code.
import type { OrderRecord } from "../order/index.ts";
import type { Show } from "../show/index.ts";

/** The catalogue of shows. A show's settings never change once created; only its status moves, once. */
export interface ShowStore {
  /** Stores a new show; a second `create` of the same id is refused (it throws), never overwrites. */
  create(show: Show): Promise<void>;
  get(showId: string): Promise<Show | null>;
  /** Every show, drafts included, in no promised order. */
  list(): Promise<Show[]>;
  /** Draft to on sale (repeating it is harmless). */
  markOnSale(showId: string): Promise<void>;
  /**
   * The number of the show's next rebuild, atomically: 1, 2, 3… however many workers ask at once. A
   * rebuild's barrier carries it, so the writer can tell a newer rebuild from a stale worker's.
   */
  nextRebuild(showId: string): Promise<number>;
  /**
   * Claims the show's one fresh load of full stock, atomically: true for the first caller only, and false
   * for everyone once any rebuild has begun (`nextRebuild`), since orders may exist from then on. Whoever
   * loses must rebuild the space from the orders instead of loading it fresh.
   */
  claimFirstLoad(showId: string): Promise<boolean>;
}

/** The orders as DynamoDB holds them: what the writer persisted, each at its highest persisted version. */
export interface OrderStore {
  get(orderId: string): Promise<OrderRecord | null>;
  /** The customer's orders, newest first, at most `limit`. May lag the writer a little (an index). */
  byCustomer(customerId: string, limit: number): Promise<OrderRecord[]>;
  /**
   * Every order of the show, read consistently: an order the writer stored before this call started is
   * always in it, however any index lags (what a rebuild counts).
   */
  ofShow(showId: string): Promise<OrderRecord[]>;
  /** Tickets the writer has projected per shard of the show (each shard's max-register), summed. */
  projectedSold(showId: string): Promise<number>;
  /** The pump shards whose writer has recorded barrier `barrierId` (all earlier records persisted). */
  barrierShards(barrierId: string): Promise<string[]>;
}
