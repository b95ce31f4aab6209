export const showKeys = {
  all: ["shows"] as const,
  list: () => [...showKeys.all, "list"] as const,
  detail: (showId: string) => [...showKeys.all, "detail", showId] as const,
  availability: (showId: string) => [...showKeys.all, "availability", showId] as const,
};
