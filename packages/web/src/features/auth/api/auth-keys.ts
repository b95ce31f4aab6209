export const authKeys = {
  all: ["auth"] as const,
  outbox: () => [...authKeys.all, "outbox"] as const,
};
