import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RuntimeConfig } from "@hotseat/functions/config";
import type { WriterStats } from "./local-writer.ts";
import type { PollerOptions } from "./poller.ts";

/**
 * The writer in a process of its own, as on AWS, where the API and the writer are separate
 * Lambdas. In the API's process the writer's work on a backlog (decoding, building items and
 * SDK requests for thousands of orders per batch) held the event loop for a second and more
 * after a burst: the API then answered nothing, not even `/health` (issue 15). The child runs
 * the same local poller and writer handler against the same Redis, Kinesis and DynamoDB.
 */
export interface WriterProcess {
  pid: number;
  process: ChildProcess;
  /** What the writer has done so far, read over IPC. */
  stats(): Promise<WriterStats>;
  /** A CPU profile of the writer's process over a window (the bench's `--profile`). */
  profileStart(intervalUs: number): Promise<boolean>;
  /** Writes the profile to `file`; null when none was started. */
  profileStop(file: string): Promise<string | null>;
  stop(): Promise<void>;
}

export interface WriterChildArgs {
  config: RuntimeConfig;
  dataDir: string;
  poller?: Partial<PollerOptions>;
}

/** What the parent asks the writer's process; each is answered with `{type: "reply", id, result}`. */
export type WriterRequest = { id: number } & (
  | { type: "stats" }
  | { type: "profileStart"; intervalUs: number }
  | { type: "profileStop"; file: string }
);
type Distribute<T> = T extends unknown ? Omit<T, "id"> : never;

const childPath = fileURLToPath(new URL("./writer-child.ts", import.meta.url));

export function startWriterProcess(args: WriterChildArgs, timeoutMs = 30_000): Promise<WriterProcess> {
  const child = fork(childPath, [JSON.stringify(args)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: ["--import", "tsx"],
  });
  let next = 0;
  const waiting = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  child.on("message", (m: { type: string; id?: number; result?: unknown }) => {
    if (m.type !== "reply" || m.id === undefined) return;
    waiting.get(m.id)?.done(m.result);
    waiting.delete(m.id);
  });
  const ask = <T>(request: Distribute<WriterRequest>) =>
    new Promise<T>((done, fail) => {
      if (child.exitCode !== null || child.signalCode !== null) return fail(new Error("the writer process is gone"));
      const id = next++;
      waiting.set(id, { done: done as (v: unknown) => void, fail });
      child.send({ ...request, id });
    });
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      for (const w of waiting.values()) w.fail(new Error("the writer process exited before answering"));
      waiting.clear();
      done();
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the writer process did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("exit", (code) => reject(new Error(`the writer process exited with ${code}`)));
    child.once("message", (m: { type: string; message?: string }) => {
      clearTimeout(timer);
      if (m.type !== "ready") return reject(new Error(`the writer process failed: ${m.message}`));
      resolve({
        pid: child.pid ?? 0,
        process: child,
        stats: () => ask<WriterStats>({ type: "stats" }),
        profileStart: (intervalUs) => ask<boolean>({ type: "profileStart", intervalUs }),
        profileStop: (file) => ask<string | null>({ type: "profileStop", file }),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.send({ type: "stop" });
          const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(force);
        },
      });
    });
  });
}
