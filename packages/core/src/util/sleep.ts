/** Resolves after `ms` milliseconds: the one pause every retry loop and poller waits with. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
