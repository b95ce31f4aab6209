import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Ledger, ShowUnderTest } from "./buyers.ts";

/**
 * The checks at the end of a run, once quiet: what DynamoDB itself holds (read straight from
 * dynalite, not through the fault proxy) against what the buyers were told.
 */

export interface Check {
  name: string;
  held: boolean;
  detail: string;
}

interface DbOrder {
  orderId: string;
  showId: string;
  customerId: string;
  quantity: number;
  idempotencyKey: string;
  holdExpiresAt?: string;
  status: string;
}

const live = new Set(["held", "confirmed"]);

export async function readTable(endpoint: string, table: string) {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  doc.destroy();
  // An order is its first item plus one item per later status version; the highest version wins.
  const versions = new Map<string, { version: number; status: string }>();
  for (const i of items)
    if (i.__edb_e__ === "orderStatus") {
      const id = String(i.orderId);
      const v = Number(i.version);
      if ((versions.get(id)?.version ?? -1) < v) versions.set(id, { version: v, status: String(i.status) });
    }
  const orders: DbOrder[] = [];
  let orderItems = 0;
  const seen = new Map<string, number>();
  for (const i of items)
    if (i.__edb_e__ === "order") {
      orderItems++;
      const id = String(i.orderId);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      orders.push({
        orderId: id,
        showId: String(i.showId),
        customerId: String(i.customerId),
        quantity: Number(i.quantity),
        idempotencyKey: String(i.idempotencyKey),
        holdExpiresAt: i.holdExpiresAt ? String(i.holdExpiresAt) : undefined,
        status: versions.get(id)?.status ?? (i.holdExpiresAt ? "held" : "confirmed"),
      });
    }
  return { orders, orderItems, copies: seen, peaks: peakLiveTickets(items) };
}

/**
 * The most tickets each show had live (held or confirmed) at once, over every version DynamoDB stored, at the
 * moment the space made it (`createdAt`, then each version's `updatedAt`, both from the space's clock). A show can
 * be oversold for a while and end within its capacity once holds lapse; only this sees it.
 */
export function peakLiveTickets(items: Record<string, unknown>[]): Map<string, { peak: number; atIso: string }> {
  const first = new Map<string, { showId: string; quantity: number; at: string }>();
  const later = new Map<string, { version: number; at: string; live: boolean }[]>();
  for (const i of items) {
    const id = String(i.orderId);
    if (i.__edb_e__ === "order")
      first.set(id, {
        showId: String(i.showId),
        quantity: Number(i.quantity),
        at: String(i.createdAt),
      });
    else if (i.__edb_e__ === "orderStatus") {
      const versions = later.get(id) ?? [];
      versions.push({
        version: Number(i.version),
        at: String(i.updatedAt ?? i.createdAt),
        live: live.has(String(i.status)),
      });
      later.set(id, versions);
    }
  }
  const events = new Map<string, { at: string; delta: number }[]>();
  for (const [id, o] of first) {
    const list = events.get(o.showId) ?? [];
    events.set(o.showId, list);
    let wasLive = true; // a first version is held or confirmed
    list.push({ at: o.at, delta: o.quantity });
    for (const v of (later.get(id) ?? []).sort((a, b) => a.version - b.version)) {
      if (v.live !== wasLive) list.push({ at: v.at, delta: v.live ? o.quantity : -o.quantity });
      wasLive = v.live;
    }
  }
  const peaks = new Map<string, { peak: number; atIso: string }>();
  for (const [showId, list] of events) {
    // At the same instant, releases first: a take that reclaimed a lapsed hold in the same script is no oversell.
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.delta - b.delta));
    let n = 0;
    let best = { peak: 0, atIso: "" };
    for (const e of list) {
      n += e.delta;
      if (n > best.peak) best = { peak: n, atIso: e.at };
    }
    peaks.set(showId, best);
  }
  return peaks;
}

export interface QuietShow {
  show: ShowUnderTest;
  /** From the API once quiet: `GET /shows/:id/availability`. */
  remaining: number;
  held: number;
}

export function runChecks(
  ledger: Ledger,
  db: Awaited<ReturnType<typeof readTable>>,
  quiet: QuietShow[],
  nowMs: number,
): Check[] {
  const checks: Check[] = [];
  const check = (name: string, problems: string[], ok: string) =>
    checks.push({
      name,
      held: problems.length === 0,
      detail: problems.length === 0 ? ok : `${problems.length}: ${problems.slice(0, 8).join("; ")}`,
    });
  const dbById = new Map(db.orders.map((o) => [o.orderId, o]));
  const shows = new Map(quiet.map((q) => [q.show.id, q]));
  const ours = db.orders.filter((o) => shows.has(o.showId));

  // 1. No oversell: live tickets in DynamoDB never above the capacity.
  const problems1: string[] = [];
  for (const { show } of quiet) {
    const tickets = ours.filter((o) => o.showId === show.id && live.has(o.status)).reduce((n, o) => n + o.quantity, 0);
    if (tickets > show.capacity)
      problems1.push(`${show.id}: ${tickets} live tickets on a capacity of ${show.capacity}`);
    const peak = db.peaks.get(show.id);
    if (peak && peak.peak > show.capacity)
      problems1.push(
        `${show.id}: ${peak.peak} tickets live at once at ${peak.atIso}, on a capacity of ${show.capacity}`,
      );
  }
  const highest = Math.max(0, ...quiet.map((q) => (db.peaks.get(q.show.id)?.peak ?? 0) / q.show.capacity));
  check(
    "tickets ≤ capacity (DynamoDB), at every moment",
    problems1,
    `${quiet.length} shows, at most ${Math.round(highest * 100)}% of a capacity live at once`,
  );

  // 2. Every acknowledged order persisted, exactly once (one item; no second order for its key).
  const problems2: string[] = [];
  for (const o of ledger.orders.values()) {
    if (!dbById.has(o.id)) problems2.push(`${o.id} acknowledged at ${(o.ackMs / 1000).toFixed(1)}s, not in DynamoDB`);
    else if ((db.copies.get(o.id) ?? 0) !== 1) problems2.push(`${o.id} stored ${db.copies.get(o.id)} times`);
  }
  const byKey = new Map<string, string[]>();
  for (const o of ours) {
    const k = `${o.showId}|${o.customerId}|${o.idempotencyKey}`;
    byKey.set(k, [...(byKey.get(k) ?? []), o.orderId]);
  }
  for (const [k, ids] of byKey)
    if (ids.length > 1) problems2.push(`key ${k} made ${ids.length} orders: ${ids.join(",")}`);
  check("every acknowledged order persisted exactly once", problems2, `${ledger.orders.size} acknowledged orders`);

  // 3. No customer over the limit (held and confirmed both count).
  const problems3: string[] = [];
  for (const { show } of quiet) {
    const per = new Map<string, number>();
    for (const o of ours)
      if (o.showId === show.id && live.has(o.status)) per.set(o.customerId, (per.get(o.customerId) ?? 0) + o.quantity);
    for (const [c, n] of per)
      if (n > show.maxPerCustomer) problems3.push(`${c} holds ${n} of ${show.id} (limit ${show.maxPerCustomer})`);
  }
  check("no customer over the limit", problems3, "every customer within the limit");

  // 4. Every replay returned its original order; every key named one order in every answer.
  const problems4: string[] = [];
  for (const r of ledger.replays)
    if ((r.status === 200 || r.status === 201) && r.got !== r.original)
      problems4.push(`replay of ${r.key} got ${r.got}, first ${r.original}`);
  for (const [k, ids] of ledger.byKey) if (ids.size > 1) problems4.push(`key ${k} answered with ${[...ids].join(",")}`);
  const answered = ledger.replays.filter((r) => r.status === 200 || r.status === 201).length;
  check("every replay returned its original order", problems4, `${answered} replays answered`);

  // 5. Bad input refused with a 4xx {code, message}.
  check(
    "bad input refused (4xx {code, message})",
    ledger.badInputAccepted,
    `${[...ledger.badInputAnswers.values()].reduce((a, b) => a + b, 0)} bad requests`,
  );

  // 6. Once quiet: remaining + held + confirmed = capacity, and the space agrees with the table on holds.
  const problems6: string[] = [];
  for (const q of quiet) {
    const mine = ours.filter((o) => o.showId === q.show.id);
    const held = mine.filter((o) => o.status === "held").reduce((n, o) => n + o.quantity, 0);
    const confirmed = mine.filter((o) => o.status === "confirmed").reduce((n, o) => n + o.quantity, 0);
    if (q.remaining + held + confirmed !== q.show.capacity)
      problems6.push(
        `${q.show.id}: remaining ${q.remaining} + held ${held} + confirmed ${confirmed} ≠ ${q.show.capacity}`,
      );
    if (q.held !== held) problems6.push(`${q.show.id}: the space holds ${q.held}, DynamoDB ${held}`);
  }
  check("remaining + held + confirmed = capacity once quiet", problems6, `${quiet.length} shows`);

  // 7. Paid orders confirmed (or refunded later by an admin); cancelled ones cancelled; refunded ones refunded.
  const problems7: string[] = [];
  for (const id of ledger.paid) {
    const s = dbById.get(id)?.status;
    const want = ledger.refunded.has(id) ? "refunded" : "confirmed";
    if (s !== want && !(ledger.refundUncertain.has(id) && s === "refunded"))
      problems7.push(
        `${id} paid, ${s ?? "missing"} in DynamoDB (want ${want}${ledger.refundedAt.has(id) ? `, refunded at ${((ledger.refundedAt.get(id) ?? 0) / 1000).toFixed(1)}s` : ""})`,
      );
  }
  for (const id of ledger.cancelled)
    if (dbById.get(id)?.status !== "cancelled")
      problems7.push(`${id} cancelled, ${dbById.get(id)?.status ?? "missing"} in DynamoDB`);
  for (const id of ledger.refunded)
    if (dbById.get(id)?.status !== "refunded")
      problems7.push(`${id} refunded, ${dbById.get(id)?.status ?? "missing"} in DynamoDB`);
  check(
    "paid orders confirmed, cancels and refunds persisted",
    problems7,
    `${ledger.paid.size} paid, ${ledger.cancelled.size} cancelled, ${ledger.refunded.size} refunded`,
  );

  // 8. Lapsed holds expired: no order is still held past its deadline.
  const problems8: string[] = [];
  let lapsed = 0;
  for (const o of ours)
    if (o.holdExpiresAt && Date.parse(o.holdExpiresAt) < nowMs) {
      if (o.status === "held") problems8.push(`${o.orderId} held past ${o.holdExpiresAt}`);
      if (o.status === "expired") lapsed++;
    }
  check("lapsed holds expired", problems8, `${lapsed} holds expired`);
  return checks;
}
