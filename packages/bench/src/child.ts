import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** A message the parent sends a bench child: a named call with arguments. */
export interface CallMessage {
  type: "call";
  id: number;
  method: string;
  args: unknown[];
}
export interface ReplyMessage {
  type: "reply";
  id: number;
  result?: unknown;
  error?: string;
}
export interface ReadyMessage<R> {
  type: "ready";
  info: R;
}

export interface BenchChild<R> {
  process: ChildProcess;
  pid: number;
  info: R;
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

/**
 * Starts `children/<name>.ts` in its own Node process (TypeScript through tsx) and waits for its
 * `ready` message. The load generator never shares a process, or an event loop, with a server.
 */
export function spawnChild<R>(name: string, args: string[], options: SpawnOptions = {}): Promise<BenchChild<R>> {
  const file = path.join(packageDir, "src/children", `${name}.ts`);
  const child = fork(file, args, {
    cwd: packageDir,
    execArgv: [...(options.nodeFlags ?? []), "--import", "tsx"],
    env: {
      ...process.env,
      HOTSEAT_LOG_LEVEL: "warn",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...options.env,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = true;
      for (const w of waiting.values()) w.reject(new Error(`${name} exited (${code ?? signal}) before replying`));
      waiting.clear();
      resolve();
    }),
  );
  child.on("message", (m: ReplyMessage) => {
    if (m?.type !== "reply") return;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error !== undefined) w.reject(new Error(`${name}.${m.id}: ${m.error}`));
    else w.resolve(m.result);
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 60_000} ms`));
    }, options.startTimeoutMs ?? 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} while starting`));
    });
    const onReady = (m: ReadyMessage<R>) => {
      if (m?.type !== "ready") return;
      clearTimeout(timer);
      child.off("message", onReady);
      resolve({
        process: child,
        pid: child.pid ?? 0,
        info: m.info,
        call<T>(method: string, ...args: unknown[]) {
          if (exited) return Promise.reject(new Error(`${name} is not running`));
          const id = nextId++;
          return new Promise<T>((res, rej) => {
            waiting.set(id, { resolve: res as (v: unknown) => void, reject: rej });
            child.send({ type: "call", id, method, args } satisfies CallMessage);
          });
        },
        async stop(timeoutMs = 15_000) {
          if (exited) return;
          const force = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
          child.send({ type: "call", id: nextId++, method: "stop", args: [] } satisfies CallMessage);
          await exitedPromise;
          clearTimeout(force);
        },
      });
    };
    child.on("message", onReady);
  });
}

/**
 * The child's side: announces itself, then answers calls by name. `stop` runs the given
 * teardown and exits, so `--cpu-prof` gets to write its profile.
 */
export function serveParent<R>(
  info: R,
  methods: Record<string, (...args: never[]) => unknown>,
  teardown: () => Promise<void>,
) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await teardown();
    } finally {
      process.exit(0);
    }
  };
  process.on("message", async (m: CallMessage) => {
    if (m?.type !== "call") return;
    if (m.method === "stop") return stop();
    const reply = (r: Omit<ReplyMessage, "type" | "id">) => process.send?.({ type: "reply", id: m.id, ...r });
    const fn = methods[m.method];
    if (!fn) return reply({ error: `no method ${m.method}` });
    try {
      reply({ result: await (fn as (...a: unknown[]) => unknown)(...m.args) });
    } catch (e) {
      reply({ error: String((e as Error)?.stack ?? e) });
    }
  });
  // The bench went away (killed, crashed): do not outlive it.
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  process.send?.({ type: "ready", info } satisfies ReadyMessage<R>);
}
