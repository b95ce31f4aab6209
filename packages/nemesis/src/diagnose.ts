import fs from "node:fs";
import path from "node:path";
import { shardKeys } from "@hotseat/core/space";
import type { ShowUnderTest } from "./buyers.ts";
import type { readTable } from "./checks.ts";

/**
 * What the space held of a show once quiet, against DynamoDB, for a run whose capacity check failed: the space
 * dies with the run, so without this a failure can only be replayed (the seed fixes the faults' schedule, not
 * the interleaving), never read.
 */
export interface ShowDiagnosis {
  showId: string;
  shards: {
    shard: number;
    /** The shard's inventory hash as the space holds it (stock, sold, held, …, gen). */
    inventory: Record<string, string>;
    /** Tickets per status over the orders the shard holds. */
    tickets: Record<string, number>;
    orders: number;
  }[];
  /** Tickets per status in DynamoDB. */
  dbTickets: Record<string, number>;
  /** Orders whose status differs, or that only one side holds: `id quantity space→db`. */
  differences: string[];
  /** The processes' log lines about the show's rebuilds, loads and lost records, oldest first (at most 80). */
  logLines: string[];
}

const EVENTS = /rehydrat|rebuild|preload|regress|oversold|voided|lost|barrier|fence/;

/** The one command it needs of the space (a Redis or a Cluster client). */
type SpaceReader = { hgetall(key: string): Promise<Record<string, string>> };

export async function diagnoseShow(
  client: SpaceReader,
  show: ShowUnderTest,
  db: Pick<Awaited<ReturnType<typeof readTable>>, "orders">,
  dataDir: string,
): Promise<ShowDiagnosis> {
  const spaceOrders = new Map<string, { status: string; quantity: number }>();
  const shards: ShowDiagnosis["shards"] = [];
  for (let s = 0; s < show.shards; s++) {
    const keys = shardKeys(show.id, s);
    const inventory = await client.hgetall(keys.inventory);
    const tickets: Record<string, number> = {};
    const raw = await client.hgetall(keys.orders);
    for (const [id, json] of Object.entries(raw)) {
      const o = JSON.parse(json) as { status: string; quantity: number };
      spaceOrders.set(id, { status: o.status, quantity: o.quantity });
      tickets[o.status] = (tickets[o.status] ?? 0) + o.quantity;
    }
    shards.push({ shard: s, inventory, tickets, orders: Object.keys(raw).length });
  }
  const dbTickets: Record<string, number> = {};
  const differences: string[] = [];
  const dbOrders = db.orders.filter((o) => o.showId === show.id);
  for (const o of dbOrders) {
    dbTickets[o.status] = (dbTickets[o.status] ?? 0) + o.quantity;
    const inSpace = spaceOrders.get(o.orderId);
    if (inSpace?.status !== o.status)
      differences.push(`${o.orderId} ${o.quantity} ${inSpace?.status ?? "absent"}→${o.status}`);
  }
  const inDb = new Set(dbOrders.map((o) => o.orderId));
  for (const [id, o] of spaceOrders) if (!inDb.has(id)) differences.push(`${id} ${o.quantity} ${o.status}→absent`);
  return { showId: show.id, shards, dbTickets, differences, logLines: logLinesAbout(show.id, dataDir) };
}

function logLinesAbout(showId: string, dataDir: string): string[] {
  const lines: { at: string; line: string }[] = [];
  for (const file of fs.readdirSync(dataDir).filter((f) => f.endsWith(".log"))) {
    const text = fs.readFileSync(path.join(dataDir, file), "utf8");
    for (const line of text.split("\n"))
      if (line.includes(showId) && EVENTS.test(line)) {
        const at = /"(?:time|timestamp|at)":"([^"]+)"/.exec(line)?.[1] ?? "";
        lines.push({ at, line: `${file}: ${line.slice(0, 400)}` });
      }
  }
  return lines
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .slice(0, 80)
    .map((l) => l.line);
}
