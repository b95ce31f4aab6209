import type { BenchConfig } from "./config.ts";
import type { CpuSeriesPoint } from "./proc.ts";
import type { ProfileSummary } from "./profile.ts";
import type { Latency, SeriesPoint } from "./stats.ts";

/** One closed-loop run against a server: what the load generator saw and what the processes spent. */
export interface LoadPhase {
  name: string;
  connections: number;
  durationMs: number;
  requests: number;
  requestsPerSec: number;
  statusCounts: Record<string, number>;
  errors: number;
  latency: Latency;
  /** CPU seconds per process over the phase (`loadgen` is the bench itself). */
  cpuSeconds: Record<string, number>;
  /** CPU µs per response, per process. */
  cpuMicrosPerRequest: Record<string, number>;
  throughput: SeriesPoint[];
  cpu: CpuSeriesPoint[];
}

export interface SaleResult extends LoadPhase {
  capacity: number;
  shards: number;
  /** Tickets acknowledged to buyers (201s), as the load generator counted them. */
  soldAcknowledged: number;
  /** Tickets sold as the space counts them, and as DynamoDB holds them after the drain. */
  soldInSpace: number;
  soldPersisted: number;
  ordersPersisted: number;
  /** Tickets sold past capacity, by any of the three counts (must be 0). */
  oversold: number;
  /** ms from the first request to the last acknowledged purchase. */
  sellOutMs: number;
  ordersPerSec: number;
  /** Best one-second stretch. */
  peakOrdersPerSec: number;
  orderLatency: Latency;
  rejectionLatency: Latency;
  /** ms from the last acknowledged purchase to the last order persisted. */
  pumpDrainMs: number | null;
  dynamoCalls: Record<string, number>;
  dynamoCallsPerOrder: number | null;
  kinesisCalls: Record<string, number>;
  /** Records per PutRecords call. */
  pumpBatchRecords: number | null;
  /** Orders packed into one Kinesis record by the publisher. */
  pumpOrdersPerRecord: number | null;
  /** What Redis executed (INFO commandstats, commands inside Lua scripts included), bench probes left out. */
  redisServerCommands: Record<string, number>;
  redisCommandsPerOrder: number | null;
  /** What the API process sent (client-side count): each is one request/reply with Redis. */
  redisClientCommands: Record<string, number>;
  redisRoundTripsPerPurchase: number | null;
  redisSocketWritesPerPurchase: number | null;
  /** Time the emulators spent answering each operation (server side), ms. */
  emulatorServiceMs: Record<string, { calls: number; meanMs: number; maxMs: number }>;
  peakRssBytes: Record<string, number>;
  cpuMicrosPerOrder: Record<string, number>;
  /** Inside the API process: Sales.purchase, the take script and the pump publish (ms). */
  stages?: Record<string, Latency>;
  /** The space and the pump over time (the API process samples them). */
  timeline: { t: number; remaining: number; accepted: number; persisted: number; lag: number; rssMb: number }[];
}

/** Every hold of the sale paid with the test provider's card: the extra cost of checkout per order. */
export interface PaymentPhase {
  orders: number;
  paid: number;
  /** The show's stats once the payments were persisted. */
  confirmedAfter: number;
  heldAfter: number;
  durationMs: number;
  paymentsPerSec: number;
  statusCounts: Record<string, number>;
  latency: Latency;
  cpuMicrosPerPayment: Record<string, number>;
}

export interface LatencyPhase {
  name: string;
  targetRatePerSec: number;
  achievedRatePerSec: number;
  durationMs: number;
  requests: number;
  statusCounts: Record<string, number>;
  errors: number;
  /** From when each request was due (open loop, no coordinated omission). */
  latency: Latency;
  /** From when each request actually left the load generator. */
  sentLatency: Latency;
  /** How late the load generator itself sent requests (its share of the latency above). */
  sendLag: Latency;
  stages?: Record<string, Latency>;
}

export interface TargetCheck {
  name: string;
  target: string;
  value: number | null;
  met: boolean | null;
  note?: string;
}

import type { ApiCost, AwsLimitsReport } from "./costs.ts";
import type { ScaleStep } from "./scale.ts";
import type { SpaceCostResult } from "./space-cost.ts";

export interface BenchResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  config: BenchConfig;
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  /** The take script alone at one hot show, beside a bare DECRBY. */
  space: SpaceCostResult;
  api: ApiCost;
  /** With --scale: the sale with 1, 2, 4 and 8 API processes. */
  scale: ScaleStep[] | null;
  /** With --aws-limits: what the simulated limits passed and refused. */
  awsLimits: AwsLimitsReport | null;
  ceiling: {
    runs: LoadPhase[];
    /** Mean of the GET hello-world runs (before and after the rest): the ceiling the ratios use. */
    requestsPerSec: number;
    postRequestsPerSec: number;
  };
  hotseat: {
    warmup: SaleResult;
    sale: SaleResult;
    payment: PaymentPhase;
    halfRate: LatencyPhase;
    availability: LoadPhase;
    peakRssBytes: Record<string, number>;
  };
  naive: {
    warmup: SaleResult;
    sale: SaleResult;
    peakRssBytes: Record<string, number>;
  };
  /**
   * Checking a buyer token (Ed25519, jose) in one process: first sight, and again (cached). Each
   * buyer in the sale is new, so every purchase here paid the first.
   */
  buyerTokens: { freshMicros: number; cachedMicros: number };
  ratios: {
    purchasesVsCeiling: number;
    purchasesVsPostCeiling: number;
    hotseatVsNaive: number;
    availabilityVsCeiling: number;
  };
  targets: TargetCheck[];
  profiles?: Record<string, ProfileSummary>;
  notes: string[];
}
