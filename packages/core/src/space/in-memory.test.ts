import { describe } from "vitest";
import { InMemorySpace } from "./in-memory.ts";
import { spaceContract } from "./space.contract.ts";

describe("InMemorySpace keeps the Space contract", () =>
  spaceContract(() => {
    let now = Date.parse("2026-03-01T10:00:00.000Z");
    const space = new InMemorySpace({ now: () => now });
    return {
      space,
      peer: () => space.peer(),
      pass: async (ms) => {
        now += ms;
      },
      copyShard: async (showId, shard) => {
        const restore = space.copyShard(showId, shard);
        return async () => restore();
      },
      setShardStatus: async (showId, shard, status) => space.setShardStatus(showId, shard, status),
    };
  }));
