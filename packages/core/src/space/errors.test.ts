import { describe, expect, it } from "vitest";
import { HotSeatError } from "../error/index.ts";
import { spaceUnavailable } from "./errors.ts";

describe("spaceUnavailable", () => {
  it.each([
    "MOVED 8098 127.0.0.1:38217",
    "CLUSTERDOWN The cluster is down",
    "TRYAGAIN Multiple keys request during rehashing of slot",
    "Connection is closed.",
    'Reached the max retries per request limit (which is 2). Refer to "maxRetriesPerRequest" option for details.',
  ])("makes %s a retryable 503", (message) => {
    expect(spaceUnavailable(new Error(message))).toMatchObject({ code: "unavailable" });
  });

  it("leaves other errors alone", () => {
    expect(spaceUnavailable(new Error("ERR wrong number of arguments"))).toBeNull();
    expect(spaceUnavailable(new HotSeatError("sold_out", "sold out"))).toBeNull();
    expect(spaceUnavailable("MOVED")).toBeNull();
  });

  it("knows a refused connection by its code", () => {
    expect(spaceUnavailable(Object.assign(new Error("connect failed"), { code: "ECONNREFUSED" }))).not.toBeNull();
  });
});
