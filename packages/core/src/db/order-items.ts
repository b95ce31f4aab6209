import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { type CreateEntityItem, createConversions } from "electrodb";
import { clientOf, type Db } from "./entities.ts";

type OrderEntity = Db["entities"]["order"];
type OrderAttributes = CreateEntityItem<OrderEntity>;
type LedgerEntity = Db["entities"]["orderLedger"];
export type LedgerAttributes = CreateEntityItem<LedgerEntity>;

/**
 * Writes order items exactly as ElectroDB's `put` would, for the writer's hot path: the keys come
 * from ElectroDB's own conversions and the entity identifiers from one item ElectroDB built, so
 * the model stays the single source of the item's shape (a test holds the two equal). Building
 * ElectroDB's params item by item costs several times more per order, on the path
 * every order takes. One writer per database, made on first use. `ledger` does the same for the
 * show's ledger items (`orderLedgerSchema`).
 */
export function orderItemWriter(db: Db): OrderItemWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = createOrderItemWriter(db);
    writers.set(db, writer);
  }
  return writer;
}

export type OrderItemWriter = ReturnType<typeof createOrderItemWriter>;
const writers = new WeakMap<Db, OrderItemWriter>();
/** DynamoDB takes up to 25 items a BatchWriteItem call. */
const BATCH_ITEMS = 25;

/** Builds items of `entity` as its `put` would, from its key composites and one probe of ElectroDB's output. */
function itemBuilder<A extends object>(
  entity: { put(a: A): { params(): unknown } },
  keysOf: (a: A) => Record<string, unknown>,
) {
  // biome-ignore lint/suspicious/noExplicitAny: createConversions is typed per entity; both callers pass one
  const conversions = createConversions(entity as any);
  let identifiers: Record<string, unknown> | undefined;
  return (attributes: A): Record<string, unknown> => {
    const item: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attributes)) if (v !== undefined) item[k] = v;
    const keys = conversions.fromComposite.toKeys(keysOf(attributes), { strict: "all" }) as Record<string, unknown>;
    if (!identifiers) {
      // What ElectroDB adds beyond the attributes and the keys (its entity name and version).
      const probe = (entity.put(attributes).params() as { Item: Record<string, unknown> }).Item;
      identifiers = Object.fromEntries(Object.entries(probe).filter(([k]) => !(k in item) && !(k in keys)));
    }
    return Object.assign(item, keys, identifiers);
  };
}

function createOrderItemWriter(db: Db) {
  const { client, table } = clientOf(db);
  const build = itemBuilder<OrderAttributes>(db.entities.order, (a) => ({
    orderId: a.orderId,
    showId: a.showId,
    customerId: a.customerId,
    createdAt: a.createdAt,
  }));
  const buildLedger = itemBuilder<LedgerAttributes>(db.entities.orderLedger, (a) => ({
    showId: a.showId,
    bucket: a.bucket,
    orderId: a.orderId,
    version: a.version,
  }));

  /** Puts built items, 25 a call and `concurrent` calls at a time; returns the order ids left unprocessed. */
  const putItems = async (items: Record<string, unknown>[], concurrent: number) => {
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += BATCH_ITEMS) chunks.push(items.slice(i, i + BATCH_ITEMS));
    const unprocessed: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] ?? [];
        const out = await client.send(
          new BatchWriteCommand({ RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) } }),
        );
        for (const r of out.UnprocessedItems?.[table] ?? []) unprocessed.push(String(r.PutRequest?.Item?.orderId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrent, chunks.length) }, worker));
    return { unprocessed, calls: chunks.length };
  };

  /**
   * Puts the orders, 25 a call and `concurrent` calls at a time. Returns the ids DynamoDB left
   * unprocessed and the calls made.
   */
  const put = (orders: OrderAttributes[], concurrent = 4): Promise<{ unprocessed: string[]; calls: number }> =>
    putItems(orders.map(build), concurrent);

  /** Puts ledger items (one per order version) the same way. */
  const putLedger = (entries: LedgerAttributes[], concurrent = 4) => putItems(entries.map(buildLedger), concurrent);

  return { build, buildLedger, put, putLedger };
}
