import fs from "node:fs";
import { round } from "./proc.ts";

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FlameRect {
  depth: number;
  /** start and width as fractions of the whole profile */
  x: number;
  w: number;
  name: string;
  group: string;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Where the process was not idle, by package or runtime part, ms of self time. */
  byGroup: { group: string; ms: number; share: number }[];
  top: { name: string; where: string; group: string; ms: number; share: number }[];
  flame: FlameRect[];
}

/** Which package (or part of the runtime) a frame belongs to, from its script URL. */
export function groupOf(url: string, name: string): string {
  if (!url) {
    if (name === "(garbage collector)") return "GC";
    if (name === "(idle)" || name === "(program)" || name === "(root)") return name;
    return "native";
  }
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/);
  if (pkg?.[1]) return pkg[1];
  const ours = url.match(/packages\/(core|functions|local)\/src\/([^/.]+)/);
  if (ours) return `@hotseat/${ours[1]}/${ours[2]}`;
  return "other";
}

/** Self time per function and per package, and an icicle (flame) layout of the call tree. */
export function summarizeProfile(file: string, topN = 25, minWidth = 0.004): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0;
    // Each sample's time is the delta to the next one.
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    selfMs.set(id, (selfMs.get(id) ?? 0) + dt);
  }
  const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const groups = new Map<string, number>();
  const fns = new Map<string, { name: string; where: string; group: string; ms: number }>();
  for (const [id, ms] of selfMs) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const group = groupOf(url, functionName);
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const name = functionName || "(anonymous)";
    const where = url
      ? `${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/packages\//, "packages/")}:${lineNumber + 1}`
      : "";
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, group, ms: 0 };
    f.ms += ms;
    fns.set(key, f);
  }
  const busyMs = totalMs - (groups.get("(idle)") ?? 0);
  const share = (ms: number) => round(ms / Math.max(1, busyMs), 3);

  // Inclusive time per node for the icicle chart (idle left out: it is not work).
  const inclusive = new Map<number, number>();
  const total = (id: number): number => {
    const known = inclusive.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    let t = n?.callFrame.functionName === "(idle)" ? 0 : (selfMs.get(id) ?? 0);
    for (const c of n?.children ?? []) t += total(c);
    inclusive.set(id, t);
    return t;
  };
  const root = profile.nodes[0];
  const flame: FlameRect[] = [];
  if (root) {
    const rootMs = total(root.id);
    const place = (id: number, depth: number, x: number) => {
      const n = byId.get(id);
      const w = (inclusive.get(id) ?? 0) / Math.max(1e-9, rootMs);
      if (!n || w < minWidth || depth > 60) return;
      flame.push({
        depth,
        x: round(x, 5),
        w: round(w, 5),
        name: n.callFrame.functionName || "(anonymous)",
        group: groupOf(n.callFrame.url, n.callFrame.functionName),
      });
      let cx = x;
      for (const c of n.children ?? []) {
        place(c, depth + 1, cx);
        cx += (inclusive.get(c) ?? 0) / Math.max(1e-9, rootMs);
      }
    };
    place(root.id, 0, 0);
  }

  return {
    file,
    totalMs: round(totalMs),
    byGroup: [...groups.entries()]
      .filter(([g]) => g !== "(idle)")
      .map(([group, ms]) => ({ group, ms: round(ms), share: share(ms) }))
      .sort((a, b) => b.ms - a.ms),
    top: [...fns.values()]
      .filter((f) => f.name !== "(idle)")
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((f) => ({ ...f, ms: round(f.ms), share: share(f.ms) })),
    flame,
  };
}
