import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stopStale } from "./redis.ts";

export interface Emulators {
  kinesisEndpoint: string;
  dynamoEndpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const childPath = fileURLToPath(new URL("./emulators-child.mjs", import.meta.url));

/** Starts kinesalite and dynalite (data under `dataDir`) in a child process. */
export async function startEmulators(
  dataDir: string,
  ports: { kinesis?: number; dynamo?: number } = {},
): Promise<Emulators> {
  const pidFile = path.join(dataDir, "emulators.pid");
  await stopStale(pidFile);
  const child = fork(childPath, [dataDir, String(ports.kinesis ?? 0), String(ports.dynamo ?? 0)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [],
  });
  fs.writeFileSync(pidFile, String(child.pid));
  child.once("exit", () => {
    if (fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8") === String(child.pid)) fs.rmSync(pidFile);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("emulators did not start within 20 s")), 20_000);
    child.once("exit", (code) => reject(new Error(`emulators exited with ${code}`)));
    child.once("message", (m: { type: string; ports?: { kinesis: number; dynamo: number }; message?: string }) => {
      clearTimeout(timer);
      if (m.type !== "ready" || !m.ports) return reject(new Error(`emulators failed: ${m.message}`));
      resolve({
        kinesisEndpoint: `http://127.0.0.1:${m.ports.kinesis}`,
        dynamoEndpoint: `http://127.0.0.1:${m.ports.dynamo}`,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
