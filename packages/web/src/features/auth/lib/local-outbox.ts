/** Where the local stack lists the mail it did not send; undefined anywhere else (mail then really goes out). */
export function localOutboxPath(): string | undefined {
  return (typeof window === "undefined" ? undefined : window.__HOTSEAT_LOCAL_OUTBOX__) || undefined;
}

/** The storefront's own page that shows the local outbox. */
export const OUTBOX_PAGE = "/outbox";

/** The sign-in code in a message: its one run of 6 to 8 digits. */
export function codeIn(text: string): string | undefined {
  const runs = text.match(/\d+/g) ?? [];
  const codes = runs.filter((run) => run.length >= 6 && run.length <= 8);
  return codes.length === 1 ? codes[0] : undefined;
}
