import { describe } from "vitest";
import {
  InMemoryOrderStore,
  InMemoryProjectionStore,
  InMemoryRefundsOwed,
  InMemoryShowStore,
  InMemoryTable,
} from "./in-memory.ts";
import {
  orderStoreContract,
  projectionStoreContract,
  refundsOwedContract,
  showStoreContract,
} from "./stores.contract.ts";

const orderTable = () => {
  const table = new InMemoryTable();
  return { orders: new InMemoryOrderStore(table), writer: new InMemoryProjectionStore(table) };
};

describe("InMemoryShowStore keeps the ShowStore contract", () => showStoreContract(() => new InMemoryShowStore()));
describe("InMemoryOrderStore keeps the OrderStore contract", () => orderStoreContract(orderTable));
describe("InMemoryProjectionStore keeps the ProjectionStore contract", () => projectionStoreContract(orderTable));
describe("InMemoryRefundsOwed keeps the RefundsOwed contract", () =>
  refundsOwedContract(() => new InMemoryRefundsOwed()));
