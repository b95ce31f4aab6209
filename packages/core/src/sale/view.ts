import type { Show } from "../show/index.ts";
import type { ShardState } from "../space/index.ts";

/** A show as buyers see it: its settings and the space's live count. */
export type ShowView = Show & { remaining: number; held: number; soldOut: boolean };

/** Tickets a buyer could still take: each shard's stock plus what is moving between shards. */
export const remainingOf = (states: ShardState[]) => states.reduce((sum, s) => sum + s.stock + s.inTransit, 0);

export function showView(show: Show, states: ShardState[]): ShowView {
  const loaded = states.length > 0 && states.every((s) => s.exists);
  const remaining = loaded ? remainingOf(states) : show.status === "draft" ? show.capacity : 0;
  const held = loaded ? states.reduce((n, s) => n + s.held, 0) : 0;
  const releasing = loaded ? states.reduce((n, s) => n + s.releasing, 0) : 0;
  // Sold out only when nothing is left, held or on its way back to sale: a held ticket may come back.
  return { ...show, remaining, held, soldOut: loaded && remaining === 0 && held === 0 && releasing === 0 };
}
