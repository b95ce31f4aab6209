// The bench's --aws-limits: a fault proxy with the simulated AWS limits in front of each emulator.
import { dynamoDbLimits, kinesisLimits, type LimitCounts } from "@hotseat/local/aws-limits";
import { type FaultProxy, startFaultProxy } from "@hotseat/local/fault-proxy";

export interface LimitedAws {
  kinesis: string;
  dynamo: string;
  counts(): { kinesis: LimitCounts | null; dynamo: LimitCounts };
  stop(): Promise<void>;
}

export async function limitAws(e: { kinesis?: string; dynamo: string }, kinesisShards: number): Promise<LimitedAws> {
  const dynamo = dynamoDbLimits();
  const kinesis = kinesisLimits({ shards: kinesisShards });
  const proxies: FaultProxy[] = [await startFaultProxy({ target: e.dynamo, service: "dynamodb", policy: dynamo })];
  if (e.kinesis) proxies.push(await startFaultProxy({ target: e.kinesis, service: "kinesis", policy: kinesis }));
  return {
    dynamo: proxies[0]?.url ?? e.dynamo,
    kinesis: proxies[1]?.url ?? e.kinesis ?? "",
    counts: () => ({ dynamo: { ...dynamo.counts }, kinesis: e.kinesis ? { ...kinesis.counts } : null }),
    stop: async () => {
      await Promise.all(proxies.map((p) => p.stop()));
    },
  };
}
