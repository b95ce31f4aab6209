import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";

/** A CPU profile of this process over just the window the bench asks for (no `--cpu-prof` restart). */
export function cpuProfiler() {
  let session: Session | null = null;
  return {
    async start(intervalUs: number) {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
      await session.post("Profiler.start");
      return true;
    },
    /** Writes the profile to `file`; null when none was started. */
    async stop(file: string) {
      if (!session) return null;
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      session = null;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}
