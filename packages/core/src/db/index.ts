export { createDocumentClient } from "./client.ts";
export { createDb, type Db } from "./entities.ts";
export { type LedgerAttributes, ledgerBucket, type OrderItemWriter, orderItemWriter } from "./order-items.ts";
export { LEDGER_BUCKETS } from "./schema.ts";
export { type TableKeys, tableKeys } from "./table.ts";
export { storeUnavailable } from "./unavailable.ts";
