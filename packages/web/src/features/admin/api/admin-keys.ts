export const adminKeys = {
  all: ["admin"] as const,
  shows: () => [...adminKeys.all, "shows"] as const,
  stats: (showId: string) => [...adminKeys.all, "stats", showId] as const,
  metrics: () => [...adminKeys.all, "metrics"] as const,
};
