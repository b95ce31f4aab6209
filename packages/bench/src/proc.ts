import fs from "node:fs";

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux this runs on. */
const TICKS = 100;

export interface ProcessSample {
  /** CPU seconds (user + system) since the process started. */
  cpuSeconds: number;
  rssBytes: number;
  /** Peak resident set size (VmHWM): the high-water mark since the process started. */
  peakRssBytes: number;
}

const kib = (status: string, field: string) => {
  const m = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) * 1024 : 0;
};

/** Reads a process's CPU time and memory from /proc; null once it is gone (or off Linux). */
export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return { cpuSeconds: cpuTicks / TICKS, rssBytes: kib(status, "VmRSS"), peakRssBytes: kib(status, "VmHWM") };
  } catch {
    return null;
  }
}

export interface CpuSeriesPoint {
  /** ms since the phase started */
  t: number;
  /** share of one core used since the previous point, per process name */
  cores: Record<string, number>;
  rssMb: Record<string, number>;
}

/**
 * Samples named processes every `intervalMs`: CPU share (of one core) and RSS over time, plus
 * each one's CPU seconds and peak RSS over the whole watch.
 */
export function watchProcesses(pids: Record<string, number>, intervalMs = 250) {
  const start = performance.now();
  const first: Record<string, ProcessSample | null> = {};
  const last: Record<string, ProcessSample | null> = {};
  const peak: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    first[name] = last[name] = sampleProcess(pid);
    peak[name] = first[name]?.rssBytes ?? 0;
  }
  let lastAt = start;
  const series: CpuSeriesPoint[] = [];
  const tick = () => {
    const now = performance.now();
    const point: CpuSeriesPoint = { t: Math.round(now - start), cores: {}, rssMb: {} };
    for (const [name, pid] of Object.entries(pids)) {
      const s = sampleProcess(pid);
      const prev = last[name];
      if (!s) continue;
      if (prev) point.cores[name] = Math.max(0, (s.cpuSeconds - prev.cpuSeconds) / ((now - lastAt) / 1000));
      point.rssMb[name] = Math.round(s.rssBytes / 1048576);
      peak[name] = Math.max(peak[name] ?? 0, s.rssBytes);
      last[name] = s;
    }
    lastAt = now;
    series.push(point);
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      const seconds = (performance.now() - start) / 1000;
      const cpuSeconds: Record<string, number> = {};
      const peakRssBytes: Record<string, number> = {};
      for (const name of Object.keys(pids)) {
        cpuSeconds[name] = round((last[name]?.cpuSeconds ?? 0) - (first[name]?.cpuSeconds ?? 0), 2);
        peakRssBytes[name] = Math.max(peak[name] ?? 0, last[name]?.peakRssBytes ?? 0);
      }
      return { seconds: round(seconds, 2), cpuSeconds, peakRssBytes, series };
    },
  };
}
export type ProcessWatch = ReturnType<ReturnType<typeof watchProcesses>["stop"]>;

export const round = (n: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
