export { createDocumentClient } from "./client.ts";
export { createDb, type Db } from "./entities.ts";
export {
  InMemoryOrderStore,
  InMemoryProjectionStore,
  InMemoryRefundsOwed,
  InMemoryShowStore,
  InMemoryTable,
  type TableFaults,
} from "./in-memory.ts";
export { type LedgerAttributes, type OrderItemWriter, orderItemWriter } from "./order-items.ts";
export {
  foldOrders,
  fromOrderItem,
  latestOfLedger,
  ledgerBucket,
  ledgerItem,
  type OrderItem,
  type OrderStatusItem,
  orderItem,
  orderStatusItem,
} from "./order-mapping.ts";
export { ElectroOrderStore, persistedOrders } from "./order-store.ts";
export { ElectroProjectionStore } from "./projection-store.ts";
export { ElectroRefundsOwed } from "./refunds-owed.ts";
export { LEDGER_BUCKETS } from "./schema.ts";
export { ElectroShowStore, toShow } from "./show-store.ts";
export { type TableKeys, tableKeys } from "./table.ts";
export { storeUnavailable } from "./unavailable.ts";
