import { ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { HotSeatError } from "../error/index.ts";
import { storeUnavailable } from "./unavailable.ts";

const throttled = () =>
  new ProvisionedThroughputExceededException({ message: "throughput exceeded", $metadata: { httpStatusCode: 400 } });

describe("storeUnavailable", () => {
  it("makes DynamoDB's throttling a retryable unavailable, also wrapped the way ElectroDB wraps it", () => {
    expect(storeUnavailable(throttled())?.code).toBe("unavailable");
    const wrapped = new Error("Error thrown by DynamoDB client", { cause: throttled() });
    expect(storeUnavailable(wrapped)).toBeInstanceOf(HotSeatError);
    const outage = Object.assign(new Error("boom"), {
      name: "InternalServerError",
      $metadata: { httpStatusCode: 500 },
    });
    expect(storeUnavailable(outage)?.code).toBe("unavailable");
  });

  it("leaves everything else alone: a bug, a refused condition, HotSeat's own errors", () => {
    expect(storeUnavailable(new TypeError("x is undefined"))).toBeNull();
    const conditional = Object.assign(new Error("The conditional request failed"), {
      name: "ConditionalCheckFailedException",
      $metadata: { httpStatusCode: 400 },
    });
    expect(storeUnavailable(conditional)).toBeNull();
    expect(storeUnavailable(new HotSeatError("sold_out", "gone"))).toBeNull();
    expect(storeUnavailable("not an error")).toBeNull();
  });
});
