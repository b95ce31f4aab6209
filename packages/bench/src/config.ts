import path from "node:path";
import { repoRoot } from "@hotseat/local/stack";
import type { HotSeatChildOptions } from "./types.ts";

export type BenchMode = "smoke" | "quick" | "full";

export interface BenchConfig {
  mode: BenchMode;
  /** Tickets in the HotSeat sale. */
  capacity: number;
  /** Space shards of the sale's show. */
  shards: number;
  /** Buyers in flight at once, all arriving in the first instant. */
  connections: number;
  /** Each ceiling measurement (hello-world), run before and after the rest. */
  ceilingMs: number;
  /** Tickets and time of the warm-up sale each server gets before it is measured. */
  warmupTickets: number;
  warmupMs: number;
  /** How long buyers keep coming after the sell-out. */
  beyondMs: number;
  saleMaxMs: number;
  /** The open-loop run at half the peak purchase rate, for latency. */
  halfRateMs: number;
  availabilityMs: number;
  /** Tickets in the naive design's sale; it stops at sell-out or `naiveMaxMs`. */
  naiveCapacity: number;
  naiveMaxMs: number;
  /** Write CPU profiles of the API, writer and emulator processes during the sale. */
  profile: boolean;
  /** kinesalite and dynalite keep their data in memory (the bench throws it away) rather than in LevelDB on disk. */
  emulatorsInMemory: boolean;
  /**
   * dynalite in its own process, apart from kinesalite (which every purchase waits on), as on AWS
   * where Kinesis and DynamoDB are separate services: the writer's BatchWriteItem calls no longer
   * hold up the PutRecords every purchase waits for.
   */
  splitEmulators: boolean;
  /** Nice value for the persistence side (writer, and dynalite when split): 0 leaves it as it is. */
  persistenceNice: number;
  outDir: string;
  /** Simulated DynamoDB partition and Kinesis shard limits in front of every emulator (see aws-limits.ts). */
  awsLimits: boolean;
  /** Orders in the space-alone phase. */
  spaceOrders: number;
  /** Also run the sale with 2, 4 and 8 API processes against one Redis. */
  scale: boolean;
  stack: HotSeatChildOptions;
}

const base = {
  shards: 1,
  profile: false,
  emulatorsInMemory: true,
  splitEmulators: true,
  persistenceNice: 0,
  outDir: path.join(repoRoot, "bench/results"),
  awsLimits: false,
  scale: false,
  stack: {},
};

export const modes: Record<
  BenchMode,
  Omit<
    BenchConfig,
    | "profile"
    | "outDir"
    | "stack"
    | "shards"
    | "emulatorsInMemory"
    | "splitEmulators"
    | "persistenceNice"
    | "awsLimits"
    | "scale"
  >
> = {
  // Seconds, for CI: does every part run, is nothing oversold. No timing means anything here.
  smoke: {
    mode: "smoke",
    capacity: 400,
    connections: 16,
    ceilingMs: 1000,
    warmupTickets: 100,
    warmupMs: 500,
    beyondMs: 300,
    saleMaxMs: 10_000,
    halfRateMs: 1000,
    availabilityMs: 1000,
    naiveCapacity: 100,
    naiveMaxMs: 3000,
    spaceOrders: 2000,
  },
  // About two minutes on a 2-core machine.
  quick: {
    mode: "quick",
    capacity: 50_000,
    connections: 100,
    ceilingMs: 5000,
    warmupTickets: 3000,
    warmupMs: 1500,
    beyondMs: 2000,
    saleMaxMs: 90_000,
    halfRateMs: 6000,
    availabilityMs: 5000,
    naiveCapacity: 6000,
    naiveMaxMs: 15_000,
    spaceOrders: 20_000,
  },
  full: {
    mode: "full",
    capacity: 50_000,
    connections: 200,
    ceilingMs: 10_000,
    warmupTickets: 5000,
    warmupMs: 3000,
    beyondMs: 5000,
    saleMaxMs: 180_000,
    halfRateMs: 20_000,
    availabilityMs: 10_000,
    naiveCapacity: 50_000,
    naiveMaxMs: 120_000,
    spaceOrders: 50_000,
  },
};

export function configFor(mode: BenchMode, overrides: Partial<BenchConfig> = {}): BenchConfig {
  // Four pump shards, as the stack's default: a real Kinesis shard takes fewer records a second than
  // the sale's orders, and with fewer the writer falls behind (docs/bench.md, settings chosen from measurements).
  const stack: HotSeatChildOptions = { writer: "separate", streamShards: 4, ...overrides.stack };
  return { ...base, ...modes[mode], ...overrides, stack };
}

const usage = `pnpm bench [--smoke | --full] [options]

  (default)            quick mode, about two minutes
  --smoke              a few seconds: checks it works and that nothing is oversold
  --full               longer phases, 200 buyers in flight, the naive design sells out too
  --capacity N         tickets in the HotSeat sale (default 50000)
  --connections N      buyers in flight (default 100 quick, 200 full)
  --shards N           space shards of the show (default 1)
  --naive-capacity N   tickets in the naive sale
  --aws-limits         SIMULATED AWS limits in front of the emulators (DynamoDB 1,000 WCU/s and 3,000 RCU/s
                       per partition key, Kinesis 1,000 records/s and 1 MiB/s per shard), for both designs
  --scale              also the sale with 2, 4 and 8 API processes against one Redis
  --profile            CPU profiles of the API, writer and emulators during the sale (bench/results/profiles-*)
  --writer WHERE       separate (default: its own process, as on AWS) or in-process (inside the API process; \`pnpm start\` used to run it so)
  --joined-emulators   kinesalite and dynalite in one process, as \`pnpm start\` runs them (default: apart)
  --nice-persistence N run the writer (and dynalite, when split) at nice N: the request path first
  --on-disk            emulators keep their data in LevelDB on disk, as \`pnpm start\` does (default: in memory)
  --out DIR            where the JSON and HTML go (default bench/results)
  --linger MS          the publisher's linger (default 0: the end of the event-loop turn)
  --in-flight N        PutRecords calls the publisher keeps in flight (default 2)
  --batch N            the poller's batch size in records (stack default 100, each up to 100 orders)
  --window MS          the poller's batching window (stack default 200)
  --stream-shards N    pump shards (default 4, as the local stack)`;

export function parseArgs(argv: string[]): BenchConfig | "help" {
  const mode: BenchMode = argv.includes("--smoke") ? "smoke" : argv.includes("--full") ? "full" : "quick";
  const o: Partial<BenchConfig> = {};
  const stack: HotSeatChildOptions = {};
  const poller: NonNullable<HotSeatChildOptions["poller"]> = {};
  const publisher: NonNullable<HotSeatChildOptions["publisher"]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`);
      return v;
    };
    switch (a) {
      case "--smoke":
      case "--full":
      case "--quick":
        break;
      case "--help":
      case "-h":
        return "help";
      case "--capacity":
        o.capacity = num();
        break;
      case "--connections":
        o.connections = num();
        break;
      case "--shards":
        o.shards = num();
        break;
      case "--naive-capacity":
        o.naiveCapacity = num();
        break;
      case "--profile":
        o.profile = true;
        break;
      case "--aws-limits":
        o.awsLimits = true;
        stack.awsLimits = true;
        break;
      case "--scale":
        o.scale = true;
        break;
      case "--on-disk":
        o.emulatorsInMemory = false;
        break;
      case "--split-emulators":
        o.splitEmulators = true;
        break;
      case "--joined-emulators":
        o.splitEmulators = false;
        break;
      case "--nice-persistence":
        o.persistenceNice = num();
        break;
      case "--writer": {
        const where = argv[++i];
        if (where !== "separate" && where !== "in-process") throw new Error("--writer is separate or in-process");
        stack.writer = where;
        break;
      }
      case "--out":
        o.outDir = path.resolve(argv[++i] ?? ".");
        break;
      case "--linger":
        publisher.lingerMs = num();
        break;
      case "--in-flight":
        publisher.maxInFlight = num();
        break;
      case "--batch":
        poller.batchSize = num();
        break;
      case "--window":
        poller.batchingWindowMs = num();
        break;
      case "--stream-shards":
        stack.streamShards = num();
        break;
      default:
        throw new Error(`unknown option ${a}\n\n${usage}`);
    }
  }
  if (Object.keys(poller).length > 0) stack.poller = poller;
  if (Object.keys(publisher).length > 0) stack.publisher = publisher;
  return configFor(mode, { ...o, stack });
}

export { usage };
