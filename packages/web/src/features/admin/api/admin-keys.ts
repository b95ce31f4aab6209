export const adminKeys = {
  all: ["admin"] as const,
  stats: (showId: string) => [...adminKeys.all, "stats", showId] as const,
};
