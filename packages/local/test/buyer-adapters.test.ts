import { DynamoCustomerStore, RedisLoginCodes } from "@hotseat/core/buyer";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { customerStoreContract, loginCodesContract } from "../../core/src/buyer/buyer.contract.ts";
import { startTestStack, type TestStack } from "../src/testing.ts";

// The same contracts the in-memory fakes pass (packages/core/src/buyer/buyer.test.ts), on the real adapters.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ poll: false });
  // The contracts (buyer.contract.ts holds their assertions) run against the real services, not a fake.
  expect(await t.stack.runtime.redis.ping()).toBe("PONG");
  expect(t.stack.config.table.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
});
afterAll(async () => {
  await t?.stop();
});

describe("RedisLoginCodes keeps the LoginCodes contract (real redis-server)", () =>
  loginCodesContract(() => new RedisLoginCodes(t.stack.runtime.redis)));
describe("DynamoCustomerStore keeps the CustomerStore contract (dynalite)", () =>
  customerStoreContract(() => new DynamoCustomerStore(t.stack.runtime.db)));
