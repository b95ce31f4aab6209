import type { Cluster, Redis } from "ioredis";

export interface SpaceMemory {
  /** Bytes used, over every primary. */
  usedBytes: number;
  /** `maxmemory` over every primary; 0 when a node has no limit. */
  maxBytes: number;
  /** The fullest primary's use of its `maxmemory` (0–100); null when a node has no limit. A full node refuses writes. */
  fullestPercent: number | null;
  nodes: { node: string; usedBytes: number; maxBytes: number }[];
}

const field = (info: string, name: string) => Number(info.match(new RegExp(`^${name}:(\\d+)`, "m"))?.[1] ?? 0);

/** The space's memory from INFO memory on each primary (a cluster's keys are spread over them). */
export async function spaceMemory(redis: Redis | Cluster): Promise<SpaceMemory> {
  const primaries: Redis[] =
    "nodes" in redis && typeof redis.nodes === "function" ? redis.nodes("master") : [redis as Redis];
  const nodes = await Promise.all(
    primaries.map(async (r) => {
      const info = await r.info("memory");
      return {
        node: `${r.options.host}:${r.options.port}`,
        usedBytes: field(info, "used_memory"),
        maxBytes: field(info, "maxmemory"),
      };
    }),
  );
  const limited = nodes.every((n) => n.maxBytes > 0);
  return {
    usedBytes: nodes.reduce((n, x) => n + x.usedBytes, 0),
    maxBytes: limited ? nodes.reduce((n, x) => n + x.maxBytes, 0) : 0,
    fullestPercent:
      limited && nodes.length > 0
        ? Math.round(Math.max(...nodes.map((n) => (100 * n.usedBytes) / n.maxBytes)) * 10) / 10
        : null,
    nodes,
  };
}
