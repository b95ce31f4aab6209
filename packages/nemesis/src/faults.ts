import { PUBLISH_BUDGET_MS } from "@hotseat/core/pump";
import { createSpaceClient, InventorySpace, type SpaceClient, shardKeys } from "@hotseat/core/space";
import { sleep } from "@hotseat/core/util";
import type { LocalRedisCluster } from "@hotseat/local/redis-cluster";
import type { DynamoFaults, KinesisFaults } from "./aws-faults.ts";
import type { Buyer, Client, ShowUnderTest } from "./buyers.ts";
import type { ClusterNodes, ProductProcess } from "./processes.ts";
import type { Rng } from "./rng.ts";

/** Every fault the scheduler injects; a short run injects each at least once. */
export const faultKinds = [
  "kill-api",
  "kill-writer",
  "kill-space-primary",
  "pump-outage",
  "pump-partial",
  "dynamo-unprocessed",
  "dynamo-throttle",
  "index-lag",
  "space-loses-show",
  "preload-during-rebuild",
  "clock-skew",
  "pause-process",
  "pump-late-delivery",
  "stalled-loan",
] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultEvent {
  kind: FaultKind;
  atMs: number;
  /** Wall clock, to find the moment in the processes' logs. */
  at: string;
  detail: string;
  skipped?: boolean;
}

export interface FaultTargets {
  apis: ProductProcess[];
  writer: ProductProcess;
  cluster: LocalRedisCluster;
  nodes: ClusterNodes;
  dynamo: DynamoFaults;
  kinesis: KinesisFaults;
  shows: () => ShowUnderTest[];
  admin: Client;
  /** A buyer of the scheduler's own, whose purchases are in the ledger like everyone's. */
  buyer: Buyer;
  apiUrls: string[];
}

/** Injects faults at random moments until `stop()`; every restart it starts is awaited by `stop()`. */
export class Scheduler {
  readonly events: FaultEvent[] = [];
  private stopped = false;
  private readonly background: Promise<unknown>[] = [];
  private loop: Promise<void> | null = null;

  constructor(
    private readonly t: FaultTargets,
    private readonly rng: Rng,
    private readonly gapMs: [number, number],
    private readonly log: (line: string) => void,
    private readonly startedAt = Date.now(),
    /** Only these kinds (a narrower run, to show one fault's effect); every kind when omitted. */
    private readonly kinds: readonly FaultKind[] = faultKinds,
  ) {}

  start() {
    this.loop = this.run();
  }

  private async run() {
    let order = this.rng.shuffle(this.kinds);
    while (!this.stopped) {
      await sleep(this.rng.int(this.gapMs[0], this.gapMs[1]));
      if (this.stopped) break;
      if (order.length === 0) order = this.rng.shuffle(this.kinds);
      const kind = order.shift() as FaultKind;
      const atMs = Date.now() - this.startedAt;
      const at = new Date().toISOString();
      try {
        const detail = await this.inject(kind);
        const skipped = detail.startsWith("skipped");
        // A skipped fault goes back in the queue, so each kind is tried until it was injected.
        if (skipped) order.push(kind);
        this.events.push({ kind, atMs, at, detail, ...(skipped ? { skipped } : {}) });
        this.log(`${(atMs / 1000).toFixed(1)}s (${at.slice(11, 23)}) ${kind}: ${detail}`);
      } catch (e) {
        this.events.push({ kind, atMs, at, detail: `skipped: ${(e as Error).message}`, skipped: true });
        order.push(kind);
      }
    }
  }

  private later(ms: number, what: () => Promise<unknown>) {
    this.background.push(
      sleep(ms)
        .then(what)
        .catch((e) => this.log(`restart failed: ${(e as Error).message}`)),
    );
  }

  private window(minMs: number, maxMs: number) {
    return { until: Date.now() + this.rng.int(minMs, maxMs) };
  }

  private async inject(kind: FaultKind): Promise<string> {
    const { t, rng } = this;
    const shows = t.shows().slice(-2);
    switch (kind) {
      case "kill-api": {
        const api = rng.pick(t.apis.filter((a) => a.running));
        if (!api) return "skipped: no API running";
        await api.kill();
        const back = rng.int(300, 2500);
        this.later(back, () => api.start());
        return `${api.name} kill -9, back in ${back} ms`;
      }
      case "kill-writer": {
        if (!t.writer.running) return "skipped: writer down";
        await t.writer.kill();
        const back = rng.int(500, 4000);
        this.later(back, () => t.writer.start());
        return `writer kill -9, back in ${back} ms`;
      }
      case "clock-skew": {
        const proc = rng.pick([...t.apis, t.writer].filter((p) => p.running));
        if (!proc) return "skipped: nothing running";
        const skew = rng.pick([-1, 1]) * rng.int(200, 1500);
        await proc.kill();
        this.later(0, () => proc.start(skew));
        return `${proc.name} restarted with its clock ${skew > 0 ? "+" : ""}${skew} ms`;
      }
      case "pause-process": {
        const proc = rng.pick([...t.apis, t.writer].filter((p) => p.running));
        if (!proc) return "skipped: nothing running";
        const ms = rng.int(1000, 8000);
        // Not awaited: the schedule goes on while the process is stopped.
        this.later(0, () => proc.pause(ms));
        return `${proc.name} SIGSTOP for ${ms} ms, then SIGCONT`;
      }
      case "pump-late-delivery": {
        const show = rng.pick(shows);
        if (!show) return "skipped: no show";
        // Puts held past the publisher's budget and its rebuild grace, then delivered, while the space loses a show
        // and rebuilds it: the held records reach the pump after the rebuild's barrier.
        const holdMs = PUBLISH_BUDGET_MS + 500 + rng.int(1000, 4000);
        t.kinesis.late = { ...this.window(1500, 3000), holdMs };
        await sleep(rng.int(200, 800));
        await this.loseShow(show);
        return `PutRecords held ${holdMs} ms for ${t.kinesis.late.until - Date.now()} ms more; the space lost ${show.id}`;
      }
      case "kill-space-primary": {
        const show = shows[0];
        if (!show) return "skipped: no show";
        if (!(await t.nodes.healthy())) return "skipped: the cluster is still recovering";
        const shard = rng.int(0, show.shards - 1);
        const node = await t.cluster.primaryOf(shardKeys(show.id, shard).inventory);
        const restart = await t.nodes.kill(node);
        const back = rng.int(3000, 6000);
        this.later(back, restart);
        return `primary ${node} (shard ${shard} of ${show.id}) kill -9, back as a replica in ${back} ms`;
      }
      case "pump-outage":
        t.kinesis.outage = this.window(2000, 6000);
        return `kinesis drops or fails every put and read for ${t.kinesis.outage.until - Date.now()} ms`;
      case "pump-partial":
        t.kinesis.partial = this.window(2000, 6000);
        return `kinesis fails half of each PutRecords' records for ${t.kinesis.partial.until - Date.now()} ms`;
      case "dynamo-unprocessed":
        t.dynamo.unprocessed = this.window(2000, 6000);
        return `dynamodb leaves ~60% of each BatchWriteItem unprocessed for ${t.dynamo.unprocessed.until - Date.now()} ms`;
      case "dynamo-throttle": {
        const rate = rng.int(30, 80) / 100;
        t.dynamo.throttling = { ...this.window(2000, 6000), rate };
        return `dynamodb throttles ${Math.round(rate * 100)}% of writes and queries for ${t.dynamo.throttling.until - Date.now()} ms`;
      }
      case "index-lag": {
        const lagMs = rng.int(300, 2000);
        t.dynamo.indexLag = { ...this.window(3000, 8000), lagMs };
        return `index queries miss rows written < ${lagMs} ms ago, for ${t.dynamo.indexLag.until - Date.now()} ms`;
      }
      case "stalled-loan": {
        // A buyer's process lends stock between two shards and stalls before its credit (a GC pause, a frozen
        // Lambda); the space loses the show and it is rebuilt; then the stalled credit lands (issue 10's fifth
        // oversell). The harness plays that buyer with the product's own space calls.
        const show = rng.pick(shows.filter((s) => s.shards > 1));
        if (!show) return "skipped: no sharded show";
        const from = rng.int(0, show.shards - 1);
        const to = (from + 1) % show.shards;
        const space = new InventorySpace(this.space());
        const loan = await space.lendStock(show.id, from, to, rng.int(1, 3));
        if (loan.lent <= 0) return "skipped: the donor shard had no stock";
        await this.loseShow(show);
        this.later(0, async () => {
          for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
            const a = await t.admin.call("GET", `/shows/${show.id}/availability`);
            if (a.status === 200 && a.body?.onSale === true) break;
          }
          const credited = await space.creditStock(show.id, to, loan);
          this.log(
            `the stalled loan of ${loan.lent} on ${show.id} credited after its rebuild: ${credited === -1 ? "void" : `${credited} (its tickets counted twice)`}`,
          );
        });
        return `a buyer lent ${loan.lent} from shard ${from} to ${to} of ${show.id} and stalled; the space lost the show`;
      }
      case "space-loses-show": {
        const show = rng.pick(shows);
        if (!show) return "skipped: no show";
        await this.loseShow(show);
        return `the space lost ${show.id} (every shard's keys deleted)`;
      }
      case "preload-during-rebuild": {
        const show = rng.pick(shows);
        if (!show) return "skipped: no show";
        await this.loseShow(show);
        // A buyer on one API finds the show gone and starts its recovery; an admin's preload on the
        // other arrives a moment later, while that recovery is under way (issue 10's fourth oversell).
        const [first, second] = rng.shuffle(t.apiUrls);
        const calls = [
          t.buyer.buyOn(show, first as string),
          sleep(rng.int(0, 150)).then(() =>
            t.admin.call("POST", `/admin/shows/${show.id}/preload`, { admin: true, api: second }),
          ),
        ];
        // Not awaited: a rebuild may wait for the pump, and the schedule must go on meanwhile.
        this.later(0, async () => {
          const answers = await Promise.all(calls);
          this.log(`preload and rebuild of ${show.id} answered ${answers.map((a) => a.status).join(",")}`);
        });
        return `the space lost ${show.id}, then preload and rebuild at once`;
      }
    }
  }

  /** The harness's own connection to the space: to delete a show's keys, and to play a stalled buyer. */
  private spaceClient: SpaceClient | null = null;
  private space(): SpaceClient {
    this.spaceClient ??= createSpaceClient(this.t.cluster.connection);
    return this.spaceClient;
  }
  private async loseShow(show: ShowUnderTest) {
    for (let s = 0; s < show.shards; s++) await this.space().del(...Object.values(shardKeys(show.id, s)));
  }

  /** Stops injecting, ends every window and waits for every restart it started. */
  async stop() {
    this.stopped = true;
    await this.loop;
    const { dynamo, kinesis } = this.t;
    dynamo.unprocessed = dynamo.throttling = dynamo.indexLag = null;
    kinesis.outage = kinesis.partial = kinesis.late = null;
    await Promise.all(this.background);
    this.spaceClient?.disconnect();
  }
}
