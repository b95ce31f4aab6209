import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createDb,
  createDocumentClient,
  type Db,
  ElectroOrderStore,
  ElectroProjectionStore,
  ElectroRefundsOwed,
  ElectroShowStore,
} from "@hotseat/core/db";
import { afterAll, beforeAll, describe, expect } from "vitest";
import {
  orderStoreContract,
  projectionStoreContract,
  refundsOwedContract,
  showStoreContract,
} from "../../core/src/db/stores.contract.ts";
import { type Emulators, startEmulators } from "../src/emulators.ts";
import { ensureTable } from "../src/resources.ts";

// The same contracts the in-memory fakes pass (packages/core/src/db/stores.test.ts), on the ElectroDB
// adapters against dynalite: only the emulators, no Redis and no stack.
let emulators: Emulators;
let dataDir: string;
let db: Db;
let dynamo: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-stores-"));
  emulators = await startEmulators(dataDir);
  expect(emulators.dynamoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
  dynamo = createDocumentClient({
    region: "us-east-1",
    endpoint: emulators.dynamoEndpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await ensureTable(dynamo, "hotseat-stores");
  db = createDb(dynamo, "hotseat-stores");
});
afterAll(async () => {
  dynamo?.destroy();
  await emulators?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const orderTable = () => ({ orders: new ElectroOrderStore(db), writer: new ElectroProjectionStore(db) });

describe("ElectroShowStore keeps the ShowStore contract (dynalite)", () =>
  showStoreContract(() => new ElectroShowStore(db)));
describe("ElectroOrderStore keeps the OrderStore contract (dynalite)", () => orderStoreContract(orderTable));
describe("ElectroProjectionStore keeps the ProjectionStore contract (dynalite)", () =>
  projectionStoreContract(orderTable));
describe("ElectroRefundsOwed keeps the RefundsOwed contract (dynalite)", () =>
  refundsOwedContract(() => new ElectroRefundsOwed(db)));
