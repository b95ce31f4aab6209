import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RuntimeConfig } from "@hotseat/functions/config";
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
  /** Counters the poller keeps, read over IPC. */
  stats(): Promise<{ invocations: number; recordsHandled: number; millisBehind: number }>;
  stop(): Promise<void>;
}

export interface WriterChildArgs {
  config: RuntimeConfig;
  dataDir: string;
  poller?: Partial<PollerOptions>;
}

const childPath = fileURLToPath(new URL("./writer-child.ts", import.meta.url));

export function startWriterProcess(args: WriterChildArgs, timeoutMs = 30_000): Promise<WriterProcess> {
  const child = fork(childPath, [JSON.stringify(args)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: ["--import", "tsx"],
  });
  let next = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  child.on("message", (m: { type: string; id?: number; result?: unknown }) => {
    if (m.type !== "reply" || m.id === undefined) return;
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
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
        stats: () =>
          new Promise((done) => {
            const id = next++;
            waiting.set(id, done as (v: unknown) => void);
            child.send({ type: "stats", id });
          }),
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
