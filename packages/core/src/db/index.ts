export { createDb, type Db } from "./entities.ts";
export { tableKeys, type TableKeys } from "./table.ts";
export { createDocumentClient } from "./client.ts";
