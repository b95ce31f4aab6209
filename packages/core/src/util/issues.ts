/** What a failed zod parse reports, structurally (so callers need not import zod's error class). */
export interface ParseIssues {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/**
 * A failed parse as a client reads it: `path: message` per issue (the path left out for the value
 * itself), the first issue only unless `all`, then joined by "; ". The first is what a 400 names:
 * one thing to fix, where it is.
 */
export function describeIssues(error: ParseIssues, options: { all?: boolean } = {}): string {
  const issues = options.all ? error.issues : error.issues.slice(0, 1);
  return issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join(".")}: ${i.message}` : i.message))
    .join("; ");
}
