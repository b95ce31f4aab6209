import { type ChildProcess, fork, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LocalRedisCluster } from "@hotseat/local/redis-cluster";
import { Redis } from "ioredis";

const here = path.dirname(fileURLToPath(import.meta.url));
const skewPreload = path.join(here, "proc", "skew.mjs");
const packageDir = path.resolve(here, "..");

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const waitExit = (child: ChildProcess) =>
  new Promise<void>((done) => (exited(child) ? done() : child.once("exit", () => done())));

/**
 * One product process (an API or the writer) run as a child, so it can be killed with SIGKILL and
 * started again, with its clock shifted by `skewMs` (a `--import` preload that offsets Date).
 */
export class ProductProcess {
  private child: ChildProcess | null = null;
  skewMs = 0;
  starts = 0;
  constructor(
    readonly name: string,
    private readonly entry: string,
    readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get running() {
    return this.child !== null && !exited(this.child);
  }

  async start(skewMs = this.skewMs) {
    if (this.running) return;
    this.skewMs = skewMs;
    const out = fs.openSync(this.logFile, "a");
    const child = fork(path.join(here, "proc", this.entry), [], {
      cwd: packageDir,
      execArgv: ["--import", "tsx", "--import", skewPreload],
      env: { ...process.env, ...this.env, NEMESIS_CLOCK_SKEW_MS: String(skewMs) },
      stdio: ["ignore", out, out, "ipc"],
    });
    fs.closeSync(out);
    this.child = child;
    this.starts++;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name} did not start within 60 s (${this.logFile})`)),
        60_000,
      );
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited at start (${code ?? signal}; ${this.logFile})`));
      });
      child.once("message", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * SIGSTOP for `ms`, then SIGCONT: the process stops mid-whatever (a long GC pause, a starved VM) and
   * goes on as if nothing happened, its timers all late at once.
   */
  async pause(ms: number) {
    const child = this.child;
    if (!child || exited(child)) return false;
    child.kill("SIGSTOP");
    await new Promise((r) => setTimeout(r, ms));
    if (!exited(child)) child.kill("SIGCONT");
    return true;
  }

  /** kill -9: no drain, no goodbye, as a Lambda instance or host dying. */
  async kill() {
    const child = this.child;
    if (!child || exited(child)) return;
    child.kill("SIGKILL");
    await waitExit(child);
  }

  async stop() {
    const child = this.child;
    if (!child || exited(child)) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await waitExit(child);
    clearTimeout(timer);
  }
}

// What a killed node needs to come back as itself (its nodes.conf in `dir` makes it rejoin as a replica).
const nodeSettings = [
  "port",
  "tls-port",
  "bind",
  "tls-cert-file",
  "tls-key-file",
  "tls-ca-cert-file",
  "tls-auth-clients",
  "tls-cluster",
  "tls-replication",
  "cluster-enabled",
  "cluster-port",
  "cluster-config-file",
  "cluster-node-timeout",
  "requirepass",
  "masterauth",
  "dir",
  "appendonly",
  "logfile",
];

/** Kills cluster nodes with SIGKILL and starts them again with the settings they had. */
export class ClusterNodes {
  private restarted: ChildProcess[] = [];
  constructor(private readonly cluster: LocalRedisCluster) {}

  private client(node: string) {
    const [host, port] = node.split(":");
    const c = new Redis({
      host,
      port: Number(port),
      password: this.cluster.password,
      tls: { ca: [fs.readFileSync(this.cluster.caFile, "utf8")] },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2000,
    });
    c.on("error", () => {});
    return c;
  }

  async ask(node: string, ...command: [string, ...string[]]): Promise<unknown> {
    const c = this.client(node);
    try {
      await c.connect();
      return await c.call(...command);
    } finally {
      c.disconnect();
    }
  }

  /** Every node answers, the cluster is ok, and every replica's link to its primary is up. */
  async healthy(): Promise<boolean> {
    try {
      for (const node of this.cluster.nodes) {
        const info = String(await this.ask(node, "CLUSTER", "INFO"));
        if (!info.includes("cluster_state:ok")) return false;
        const replication = String(await this.ask(node, "INFO", "replication"));
        if (replication.includes("role:slave") && !replication.includes("master_link_status:up")) return false;
        if (replication.includes("role:master") && !replication.includes("connected_slaves:1")) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  /** SIGKILLs `node` and returns a function that starts it again. */
  async kill(node: string): Promise<() => Promise<void>> {
    const settings: string[] = [];
    for (const name of nodeSettings) {
      const [, value] = (await this.ask(node, "CONFIG", "GET", name)) as [string, string];
      if (value !== undefined && value !== "") settings.push(`--${name}`, value);
    }
    settings.push("--save", "", "--daemonize", "no");
    const info = String(await this.ask(node, "INFO", "server"));
    const pid = Number(info.match(/process_id:(\d+)/)?.[1]);
    if (!pid) throw new Error(`no process id from ${node}`);
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 20));
      } catch {
        break;
      }
    }
    return async () => {
      const child = spawn("redis-server", settings, { stdio: "ignore" });
      this.restarted.push(child);
      for (let i = 0; i < 100; i++) {
        if ((await this.ask(node, "PING").catch(() => null)) === "PONG") return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${node} did not come back`);
    };
  }

  async stop() {
    await Promise.all(
      this.restarted.map((child) => {
        if (!exited(child)) child.kill("SIGTERM");
        return waitExit(child);
      }),
    );
  }
}
