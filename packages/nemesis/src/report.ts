import type { NemesisReport } from "./run.ts";

/** The table a run prints: faults injected, checks held or failed, and the seed to replay it. */
export function formatReport(r: NemesisReport): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push("", `faults injected (seed ${r.seed}, ${r.seconds} s)`, `  ${pad("fault", 26)}injected  skipped`);
  for (const [kind, f] of Object.entries(r.faults))
    lines.push(`  ${pad(kind, 26)}${String(f.injected).padStart(8)}  ${String(f.skipped).padStart(7)}`);
  const total = Object.values(r.faults).reduce((n, f) => n + f.injected, 0);
  lines.push(`  ${pad("total", 26)}${String(total).padStart(8)}`, "", "checks");
  for (const c of r.checks) lines.push(`  ${c.held ? "held  " : "FAILED"}  ${c.name}: ${c.detail}`);
  if (r.oddities.length > 0)
    lines.push("", "worth a look (no check is about these):", ...r.oddities.slice(0, 12).map((o) => `  ${o}`));
  for (const d of r.diagnoses ?? []) {
    lines.push("", `the space against DynamoDB for ${d.showId} (DynamoDB: ${JSON.stringify(d.dbTickets)})`);
    for (const s of d.shards)
      lines.push(`  shard ${s.shard}: ${JSON.stringify(s.inventory)}; ${s.orders} orders ${JSON.stringify(s.tickets)}`);
    lines.push(`  ${d.differences.length} orders differ (space→DynamoDB): ${d.differences.slice(0, 12).join("; ")}`);
    lines.push(...d.logLines.slice(0, 30).map((l) => `  ${l}`));
  }
  lines.push(
    "",
    `buyers' answers: ${Object.entries(r.buyers)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  lines.push(
    `${r.ok ? "every check held" : "SOME CHECKS FAILED"}; replay with: pnpm nemesis --seconds ${r.seconds} --seed ${r.seed}`,
  );
  return lines.join("\n");
}
