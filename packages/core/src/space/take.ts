// Taking tickets on Redis (with the replica wait and the redirects of a failover) and lending stock between shards.
import { newUlid } from "../id/index.ts";
import type { SpaceClient } from "./client.ts";
import { REDIRECT } from "./errors.ts";
import { replicaProbeKey, shardKeys, TIMELINE_BUCKET_MS } from "./keys.ts";
import type { Loan, TakeInput, TakeResult } from "./port.ts";
import { idempotencyField, parseRecord, parseRecords, RECLAIM_BATCH } from "./records.ts";
import type { SeenShards } from "./seen.ts";

/** What a take needs of the space beyond its connection: what this process saw, and the replicas to wait for. */
export interface TakeContext {
  redis: SpaceClient;
  seen: SeenShards;
  replicaAcks: number;
  replicaAckTimeoutMs: number;
}

export async function takeTickets(ctx: TakeContext, input: TakeInput): Promise<TakeResult> {
  const k = shardKeys(input.showId, input.shard);
  const expect = ctx.seen.get(input.showId, input.shard);
  const args = [
    k.inventory,
    k.customers,
    k.idempotency,
    k.orders,
    k.pending,
    k.timeline,
    k.holds,
    idempotencyField(input.customerId, input.idempotencyKey),
    input.fingerprint,
    input.customerId,
    input.order.quantity,
    JSON.stringify(input.order),
    input.order.id,
    "",
    TIMELINE_BUCKET_MS,
    input.holdMs,
    "",
    RECLAIM_BATCH,
    expect?.gen ?? "",
    expect?.seq ?? 0,
    ctx.replicaAcks > 0 ? "1" : "0",
  ] as const;
  let replicas = 0;
  let reply: [string, ...(string | number | null)[]];
  if (ctx.replicaAcks > 0) {
    const [take, waited] = await takeAndWait(ctx, args);
    reply = take as typeof reply;
    replicas = waited;
  } else reply = (await retryRedirected(ctx, () => ctx.redis.takeTickets(...args))) as typeof reply;
  const [outcome, a, b, gen, seq, ...rest] = reply;
  // Only what enough replicas have: a take the replicas may lack is no sign of loss once one of them is promoted.
  if (replicas >= ctx.replicaAcks) ctx.seen.saw(input.showId, input.shard, gen, seq);
  const expired = parseRecords(rest);
  switch (outcome) {
    case "ok":
    case "replay": {
      const record = parseRecord(String(a));
      if (replicas < ctx.replicaAcks) return { outcome: "unreplicated", record, replicas, expired };
      return outcome === "ok" ? { outcome, record, expired } : { outcome, record, pending: Number(b) === 1, expired };
    }
    case "limit":
      return { outcome, allowed: Math.max(0, Number(a)), expired };
    case "short":
      return { outcome, stock: Number(a), expired };
    case "reused":
    case "regressed":
    case "missing":
    case "rehydrating":
    case "not_on_sale":
    case "reclaiming":
      return { outcome, expired };
    default:
      throw new Error(`unexpected reply from takeTickets: ${outcome}`);
  }
}

/** See `Space.replicated`: a write in the shard's slot and a WAIT in one pipeline, so both go to its node. */
export async function replicated(ctx: TakeContext, showId: string, shard: number): Promise<boolean> {
  if (ctx.replicaAcks <= 0) return true;
  const [, waited] = await inPipelineWithWait(ctx, (p) => p.set(replicaProbeKey(showId, shard), "1", "PX", 60_000));
  return waited >= ctx.replicaAcks;
}

/**
 * The take and a WAIT in one pipeline. WAIT has no key, so the pipeline goes to the node that holds the shard's
 * slot, and WAIT counts the replicas that have everything this connection wrote there, the take included. A
 * cluster answers a pipeline sent to a node that no longer holds the slot (a failover) with a redirect for the take
 * alone, which ioredis does not follow for a pipeline: the take did not run, so it is sent again once the slot map
 * is fresh (and a take that ran is found again by its idempotency key).
 */
function takeAndWait(ctx: TakeContext, args: readonly (string | number)[]): Promise<[unknown, number]> {
  return inPipelineWithWait(ctx, (p) => p.takeTickets(...args));
}

interface WaitPipeline {
  takeTickets: (...a: (string | number)[]) => void;
  set: (key: string, value: string, px: "PX", ms: number) => void;
  wait: (n: number, ms: number) => void;
  exec: () => Promise<[Error | null, unknown][] | null>;
}

/** One write on a shard's slot, then WAIT, in one pipeline: the write's reply and how many replicas have it. */
async function inPipelineWithWait(ctx: TakeContext, write: (p: WaitPipeline) => void): Promise<[unknown, number]> {
  for (let attempt = 1; ; attempt++) {
    const p = ctx.redis.pipeline() as unknown as WaitPipeline;
    write(p);
    p.wait(ctx.replicaAcks, ctx.replicaAckTimeoutMs);
    const [first, waited] = (await p.exec()) ?? [];
    if (first && !first[0]) return [first[1], waited && !waited[0] ? Number(waited[1]) : 0];
    const error = first?.[0] ?? new Error("the space's pipeline: no reply");
    if (attempt >= 4 || !REDIRECT.test(error.message)) throw error;
    await refreshSlots(ctx, attempt);
  }
}

/**
 * A command a failover redirected (auto-pipelined commands come back with the redirect rather than follow it): sent
 * again after the slot map is refreshed. Only for what is safe to repeat; a take is (its key finds it again).
 */
async function retryRedirected<T>(ctx: TakeContext, send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      if (attempt >= 4 || !(e instanceof Error) || !REDIRECT.test(e.message)) throw e;
      await refreshSlots(ctx, attempt);
    }
  }
}

async function refreshSlots(ctx: TakeContext, attempt: number) {
  const cluster = ctx.redis as unknown as { refreshSlotsCache?: (done: () => void) => void };
  if (cluster.refreshSlotsCache) await new Promise<void>((done) => cluster.refreshSlotsCache?.(() => done()));
  await new Promise((r) => setTimeout(r, 100 * attempt));
}

/** Moves up to `want` tickets from `from` to `to`; returns how many moved. Safe against a crash in between (see `settleLoans`). */
export async function moveStock(
  ctx: TakeContext,
  showId: string,
  from: number,
  to: number,
  want: number,
): Promise<number> {
  const loan = await lendStock(ctx, showId, from, to, want);
  if (loan.lent <= 0) return 0;
  // With replicas, each half lands only once the other's replicas hold it: a credit whose loan a failover took back
  // out of the donor would be tickets made twice; a loan record dropped while its credit was still the home
  // primary's alone, tickets lost. Whatever waits here stays in transit for `settleLoans`.
  if (!(await replicated(ctx, showId, from))) return 0;
  const credited = await creditStock(ctx, showId, to, loan);
  if (credited < 0 || (await replicated(ctx, showId, to)))
    await ctx.redis.hdel(shardKeys(showId, from).lent, loan.transferId);
  return credited === 1 ? loan.lent : 0;
}

/** The first half of a move: stock out of the donor, recorded as a loan in its slot. */
export async function lendStock(
  ctx: TakeContext,
  showId: string,
  from: number,
  to: number,
  want: number,
): Promise<Loan> {
  const donor = shardKeys(showId, from);
  const transferId = newUlid();
  const [lent, generation, seq] = (await ctx.redis.lendStock(
    donor.inventory,
    donor.lent,
    want,
    transferId,
    to,
    Date.now(),
  )) as [number, string, number?];
  ctx.seen.saw(showId, from, generation, seq);
  return { transferId, lent: Number(lent), generation: String(generation ?? "") };
}

/** The second half: 1 credited now, 0 credited already, -1 void (the shard is gone or was rebuilt since). */
export async function creditStock(ctx: TakeContext, showId: string, to: number, loan: Loan): Promise<number> {
  const home = shardKeys(showId, to);
  return Number(
    await ctx.redis.creditStock(home.inventory, home.received, loan.transferId, loan.lent, loan.generation),
  );
}

/** Credits loans older than `olderThanMs` that a crashed buyer left in transit. Returns tickets credited. */
export async function settleLoans(
  ctx: TakeContext,
  showId: string,
  shard: number,
  olderThanMs: number,
): Promise<number> {
  const donor = shardKeys(showId, shard);
  const loans = await ctx.redis.hgetall(donor.lent);
  let credited = 0;
  let donorReplicated: boolean | undefined;
  for (const [transferId, value] of Object.entries(loans)) {
    const [toText = "0", countText = "0", atText = "0", generation = ""] = value.split("\n");
    const [to, count, at] = [Number(toText), Number(countText), Number(atText)];
    if (Date.now() - at < olderThanMs) continue;
    // As in moveStock: credited only once the donor's replicas hold the loan, dropped only once the home's hold the credit.
    donorReplicated ??= await replicated(ctx, showId, shard);
    if (!donorReplicated) break;
    const r = await creditStock(ctx, showId, to, { transferId, lent: count, generation });
    if (r === 1) credited += count;
    if (r >= 0 && (await replicated(ctx, showId, to))) await ctx.redis.hdel(donor.lent, transferId);
  }
  return credited;
}
