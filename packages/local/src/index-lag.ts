/**
 * A SIMULATION of DynamoDB's global secondary indexes lagging behind the table, for tests: dynalite
 * updates its indexes in the same step as the table, while on AWS a GSI is eventually consistent
 * (no consistent reads) and an item written a moment ago may be missing from an index query. This
 * middleware, installed on a document client, notes when each item was written through it and
 * drops from every `Query`/`Scan` that names an `IndexName` the rows written less than `lagMs` ago.
 * Base-table reads are untouched.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

type Item = Record<string, unknown>;
/** `{S: "…"}` below the document client's marshalling, a plain string above it. */
const keyOf = (item: Item | undefined): string | undefined => {
  const pk = item?.pk as { S?: string } | string | undefined;
  const sk = item?.sk as { S?: string } | string | undefined;
  const text = (v: typeof pk) => (typeof v === "string" ? v : v?.S);
  return item ? `${text(pk)}\n${text(sk)}` : undefined;
};

export interface IndexLag {
  /** Rows hidden from index reads so far. */
  hidden: number;
  setLag(ms: number): void;
  remove(): void;
}

export function simulateIndexLag(client: DynamoDBDocumentClient, lagMs: number): IndexLag {
  const writtenAt = new Map<string, number>();
  const state = { hidden: 0, lag: lagMs };
  const name = `hotseat-index-lag-${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        IndexName?: string;
        Item?: Item;
        RequestItems?: Record<string, { PutRequest?: { Item?: Item } }[]>;
      };
      const command = context.commandName ?? "";
      const out = await next(args);
      const now = Date.now();
      if (command.startsWith("PutItem") || command === "PutCommand") {
        const key = keyOf(input.Item);
        if (key) writtenAt.set(key, now);
      } else if (command.startsWith("BatchWrite")) {
        for (const requests of Object.values(input.RequestItems ?? {}))
          for (const r of requests) {
            const key = keyOf(r.PutRequest?.Item);
            if (key) writtenAt.set(key, now);
          }
      } else if (input.IndexName && (command.startsWith("Query") || command.startsWith("Scan"))) {
        const output = out.output as { Items?: Item[]; Count?: number };
        if (output.Items) {
          const kept = output.Items.filter((item) => {
            const at = writtenAt.get(keyOf(item) ?? "");
            return at === undefined || now - at >= state.lag;
          });
          state.hidden += output.Items.length - kept.length;
          output.Items = kept;
          output.Count = kept.length;
        }
      }
      return out;
    },
    { step: "initialize", name, override: true },
  );
  return {
    get hidden() {
      return state.hidden;
    },
    setLag(ms: number) {
      state.lag = ms;
    },
    remove() {
      client.middlewareStack.remove(name);
    },
  };
}
