import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sleep } from "@hotseat/core/util";
import { Buyer, type BuyerContext, Client, Ledger, type ShowUnderTest } from "./buyers.ts";
import { type Check, type QuietShow, readTable, runChecks } from "./checks.ts";
import { diagnoseShow, type ShowDiagnosis } from "./diagnose.ts";
import { type FaultEvent, type FaultKind, faultKinds, Scheduler } from "./faults.ts";
import { Rng } from "./rng.ts";
import { ADMIN_TOKEN, startStage } from "./stage.ts";

export interface NemesisOptions {
  seconds: number;
  seed: number;
  /** Concurrent buyers. */
  buyers?: number;
  /** A new hot show and a new priced show every this many seconds. */
  roundSeconds?: number;
  /** Pause between faults. */
  faultGapMs?: [number, number];
  /** The hot show's capacity (default 120); the priced show's is a third of it. */
  capacity?: number;
  /** Only these fault kinds (default: all). */
  faults?: readonly FaultKind[];
  log?: (line: string) => void;
}

export interface NemesisReport {
  seed: number;
  seconds: number;
  faults: Record<string, { injected: number; skipped: number }>;
  faultLog: FaultEvent[];
  checks: Check[];
  ok: boolean;
  buyers: Record<string, number>;
  /** Answers no check is about but worth a look (5xx, a declined card that paid). */
  oddities: string[];
  proxies: Record<string, number>;
  shows: ShowUnderTest[];
  /** For each show whose capacity check failed: what the space held of it against DynamoDB, and its logs. */
  diagnoses: ShowDiagnosis[];
  dataDir: string;
}

const HOLD_SECONDS = 5;

/** One nemesis run: a local stage of real processes, buyers, faults, then the checks once quiet. */
export async function runNemesis(o: NemesisOptions): Promise<NemesisReport> {
  const log = o.log ?? (() => {});
  const rng = new Rng(o.seed);
  const hotCapacity = o.capacity ?? 120;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-nemesis-"));
  log(`nemesis: seed ${o.seed}, ${o.seconds} s, logs and data in ${dir}`);

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const f of cleanups.reverse()) await f().catch(() => {});
  };
  try {
    return await stage();
  } finally {
    await cleanup();
  }

  async function stage(): Promise<NemesisReport> {
    const {
      cluster,
      nodes,
      emulators,
      dynamoFaults,
      kinesisFaults,
      dynamoProxy,
      kinesisProxy,
      tokenKey,
      apis,
      writer,
    } = await startStage(dir, rng, cleanups);
    const apiUrls = apis.map((a) => `http://127.0.0.1:${a.env.PORT}`);

    const shows: ShowUnderTest[] = [];
    const ledger = new Ledger();
    const ctx: BuyerContext = {
      apis: () => apiUrls,
      shows: () => shows,
      adminToken: ADMIN_TOKEN,
      tokenKey,
      customers: 60,
      ledger,
    };
    const admin = new Client(ctx, rng.fork(3));

    const until = async (what: string, f: () => Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await f().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`nemesis: ${what} within ${timeoutMs} ms`);
        await sleep(250);
      }
    };
    const newRound = async (round: number) => {
      const made: ShowUnderTest[] = [];
      for (const priced of [false, true]) {
        const input = priced
          ? {
              capacity: Math.max(4, Math.round(hotCapacity / 3)),
              maxPerCustomer: 2,
              shards: 2,
              priceCents: 2500,
              holdSeconds: HOLD_SECONDS,
            }
          : { capacity: hotCapacity, maxPerCustomer: 4, shards: 4, priceCents: 0 };
        let id = "";
        await until(
          "a show was created",
          async () => {
            const a = await admin.call("POST", "/admin/shows", {
              admin: true,
              body: {
                name: `Nemesis ${round}${priced ? " (priced)" : ""}`,
                venue: "Arena",
                startsAt: "2027-06-01T20:00:00Z",
                ...input,
              },
            });
            id = a.body?.show?.id ?? "";
            return a.status === 201;
          },
          30_000,
        );
        made.push({
          id,
          priced,
          holdSeconds: priced ? HOLD_SECONDS : 0,
          capacity: input.capacity,
          maxPerCustomer: input.maxPerCustomer,
          shards: input.shards,
        });
      }
      // The buyers see the shows while they are still drafts, so their purchases race the first
      // preload (a buyer that finds the show on sale before its shards are loaded starts a recovery).
      shows.push(...made);
      for (const show of made)
        await until(
          "a show was preloaded",
          async () => (await admin.call("POST", `/admin/shows/${show.id}/preload`, { admin: true })).status === 200,
          30_000,
        );
    };

    const report = async (): Promise<NemesisReport> => {
      const endAt = Date.now() + o.seconds * 1000;
      await newRound(0);
      const scheduler = new Scheduler(
        {
          apis,
          writer,
          cluster,
          nodes,
          dynamo: dynamoFaults,
          kinesis: kinesisFaults,
          shows: () => shows,
          admin,
          buyer: new Buyer(ctx, rng.fork(5), 999),
          apiUrls,
        },
        rng.fork(4),
        o.faultGapMs ?? [1500, 4000],
        log,
        ledger.startedAt,
        o.faults,
      );
      scheduler.start();
      let stopBuyers = false;
      const buyers = Array.from({ length: o.buyers ?? 12 }, (_, i) => new Buyer(ctx, rng.fork(100 + i), i));
      const loops = buyers.map(async (b) => {
        while (!stopBuyers) await b.step();
      });
      let round = 1;
      const roundMs = (o.roundSeconds ?? 40) * 1000;
      while (Date.now() < endAt) {
        await sleep(Math.min(1000, endAt - Date.now()));
        if (Date.now() - (endAt - o.seconds * 1000) > round * roundMs && endAt - Date.now() > 10_000) {
          await newRound(round).catch((e) => log(`round ${round}: ${(e as Error).message}`));
          round++;
        }
      }

      // Quiet: no more faults, every process and node back, buyers done, holds lapsed, pump drained.
      log("nemesis: quiet; waiting for the stage to settle");
      await scheduler.stop();
      stopBuyers = true;
      await Promise.all(loops);
      for (const p of [...apis, writer]) if (!p.running) await p.start();
      await until("the cluster recovered", () => nodes.healthy(), 60_000);
      await sleep((HOLD_SECONDS + 3) * 1000);
      const quiet: QuietShow[] = [];
      const settleDeadline = Date.now() + 120_000;
      for (const show of shows) {
        let last = "";
        await until(
          `${show.id} settled`,
          async () => {
            const a = await admin.call("GET", `/shows/${show.id}/availability`);
            const s = await admin.call("GET", `/admin/shows/${show.id}/stats`, { admin: true });
            last = `${a.status} ${s.status} pending ${s.body?.pending} on sale ${a.body?.onSale}`;
            // A show on sale that the space lost late is settled only once it is rebuilt: until then the space
            // has no shard to count, and nothing pending (it has nothing at all).
            const rebuilt = s.body?.status !== "on_sale" || a.body?.onSale === true;
            return a.status === 200 && s.status === 200 && s.body.pending === 0 && rebuilt;
          },
          Math.max(5000, settleDeadline - Date.now()),
        ).catch((e) => log(`${(e as Error).message} (${last})`));
      }
      // Once more, after the writer persisted the expiries the reclaims made.
      await sleep(1500);
      for (const show of shows) {
        const a = await admin.call("GET", `/shows/${show.id}/availability`);
        quiet.push({
          show,
          remaining: Number(a.body?.remaining ?? Number.NaN),
          held: Number(a.body?.held ?? Number.NaN),
        });
      }
      const db = await readTable(emulators.dynamoEndpoint, "hotseat");
      const checks = runChecks(ledger, db, quiet, Date.now());
      const capacity = checks.find((c) => c.name.startsWith("remaining + held + confirmed"));
      const diagnoses: ShowDiagnosis[] = [];
      if (capacity && !capacity.held) {
        const client = cluster.client();
        for (const q of quiet)
          if (capacity.detail.includes(q.show.id)) diagnoses.push(await diagnoseShow(client, q.show, db, dir));
        client.disconnect();
        for (const d of diagnoses) log(`nemesis: diagnosis of ${d.showId}: ${JSON.stringify(d)}`);
      }

      const faults: NemesisReport["faults"] = {};
      for (const k of faultKinds) faults[k] = { injected: 0, skipped: 0 };
      for (const e of scheduler.events) {
        const f = faults[e.kind] as { injected: number; skipped: number };
        if (e.skipped) f.skipped++;
        else f.injected++;
      }
      return {
        seed: o.seed,
        seconds: o.seconds,
        faults,
        faultLog: scheduler.events,
        checks,
        ok: checks.every((c) => c.held),
        buyers: Object.fromEntries([...ledger.counts].sort()),
        oddities: ledger.oddities,
        proxies: { ...dynamoProxy.counts(), ...kinesisProxy.counts() },
        shows,
        diagnoses,
        dataDir: dir,
      };
    };

    return await report();
  }
}
