/**
 * Structured logs: one JSON line per event. Each line carries the correlation id that came
 * with the request, so one purchase can be followed from the API through the pump into the
 * writer. Customer ids are never logged whole.
 */
import { fnv1a32 } from "../util/hash.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;

const threshold = () => levels[(process.env.HOTSEAT_LOG_LEVEL as LogLevel) ?? "info"] ?? levels.info;

function write(level: Exclude<LogLevel, "silent">, event: string, fields: Record<string, unknown>) {
  if (levels[level] < threshold()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (levels[level] >= levels.warn) console.error(line);
  else console.log(line);
}

export const log = {
  /** Whether a line at `level` would be written: lets a hot path skip building its fields. */
  enabled: (level: Exclude<LogLevel, "silent">) => levels[level] >= threshold(),
  debug: (event: string, fields: Record<string, unknown> = {}) => write("debug", event, fields),
  info: (event: string, fields: Record<string, unknown> = {}) => write("info", event, fields),
  warn: (event: string, fields: Record<string, unknown> = {}) => write("warn", event, fields),
  error: (event: string, fields: Record<string, unknown> = {}) => write("error", event, fields),
};

/** Enough of a customer id to correlate lines, not enough to identify the customer. */
export function maskCustomer(customerId: string): string {
  return `cus#${fnv1a32(customerId).toString(16).padStart(8, "0")}`;
}
