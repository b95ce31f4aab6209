import type { SaleOptions } from "@hotseat/core/sale";

/** The sale's settings a nemesis child takes from its parent (short, so a run sees the sweeper act). */
export function saleOptionsFromEnv(env = process.env): SaleOptions {
  const n = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return { staleAfterMs: n("NEMESIS_STALE_AFTER_MS") };
}
