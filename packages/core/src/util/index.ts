export { fnv1a32 } from "./hash.ts";
export { describeIssues, type ParseIssues } from "./issues.ts";
export { sleep } from "./sleep.ts";
