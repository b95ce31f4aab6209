import { describe, expect, it } from "vitest";
import { InMemoryPump } from "./in-memory.ts";
import { pumpContract } from "./pump.contract.ts";

function harness() {
  const pump = new InMemoryPump({ shards: 3 });
  return {
    pump,
    read: async () => new Map(pump.shardIds.map((id) => [id, pump.read(id)])),
    refusing: () => {
      pump.refuseNext(1);
      return pump;
    },
  };
}

describe("InMemoryPump keeps the OrderPump contract", () => pumpContract(harness));

describe("InMemoryPump", () => {
  it("reads a shard on from an index, as a writer resumes", async () => {
    const pump = new InMemoryPump({ shards: 1 });
    await pump.sendBarrier("b1");
    await pump.sendBarrier("b2");
    expect(pump.read("shardId-000000000000", 1).map((r) => r.event)).toEqual([
      { type: "space.barrier", barrierId: "b2", pumpShardId: "shardId-000000000000" },
    ]);
    expect(() => pump.read("shardId-000000000009")).toThrow(/no pump shard/);
  });
});
