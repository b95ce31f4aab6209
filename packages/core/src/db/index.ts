export { createDocumentClient } from "./client.ts";
export { createDb, type Db } from "./entities.ts";
export { type OrderItemWriter, orderItemWriter } from "./order-items.ts";
export { type TableKeys, tableKeys } from "./table.ts";
