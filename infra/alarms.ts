import { api } from "./api";
import { deadLetters, pump } from "./pump";
import { spaceMemoryDb, spaceRedis } from "./space";
import { stageSettings } from "./stage";

/** Where alarms go. Subscribe someone with HOTSEAT_ALARM_EMAIL=ops@example.com on deploy (confirm the email). */
export const alerts = new sst.aws.SnsTopic("Alerts");

const alarmEmail = process.env.HOTSEAT_ALARM_EMAIL;
if (alarmEmail)
  new aws.sns.TopicSubscription("AlertsEmail", { topic: alerts.arn, protocol: "email", endpoint: alarmEmail });

const actions = { alarmActions: [alerts.arn], okActions: [alerts.arn] };

/** The writer is falling behind the pump: orders are taken but not yet persisted. */
export const pumpLagAlarm = new aws.cloudwatch.MetricAlarm("PumpIteratorAgeAlarm", {
  alarmDescription: "The writer is more than a minute behind the pump",
  namespace: "AWS/Kinesis",
  metricName: "GetRecords.IteratorAgeMilliseconds",
  dimensions: { StreamName: pump.name },
  statistic: "Maximum",
  period: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  threshold: 60_000,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  ...actions,
});

/** The writer gave up on a batch: the sweeper will re-publish its orders, but someone should look at why. */
export const deadLetterAlarm = new aws.cloudwatch.MetricAlarm("DeadLetterAlarm", {
  alarmDescription: "The writer sent a failed batch to the dead-letter queue",
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  dimensions: { QueueName: deadLetters.nodes.queue.name },
  statistic: "Maximum",
  period: 60,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  ...actions,
});

/** Buyers are getting server errors (a client's mistake is a 4xx and does not count). */
export const api5xxAlarm = new aws.cloudwatch.MetricAlarm("Api5xxAlarm", {
  alarmDescription: "The API answered more than 10 server errors a minute",
  namespace: "AWS/ApiGateway",
  metricName: "5xx",
  dimensions: { ApiId: api.nodes.api.id, Stage: "$default" },
  statistic: "Sum",
  period: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  threshold: 10,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  ...actions,
});

/**
 * The space is filling up: it never evicts (`noeviction`), so a full node refuses every purchase. Archiving finished
 * shows frees it (the sweeper); this says so before the day it does not keep up. ElastiCache publishes the metric per
 * node (`<group>-000<shard>-00<node>`): the alarm watches the fullest of them.
 */
const spaceSettings = stageSettings($app.stage);
const redisCluster = spaceRedis && !$dev ? spaceRedis.nodes.cluster : undefined;
const spaceNodes = redisCluster
  ? Array.from({ length: spaceSettings.spaceShards }, (_, g) =>
      Array.from(
        { length: 1 + spaceSettings.spaceReplicas },
        (_, n) => $interpolate`${redisCluster.id}-${String(g + 1).padStart(4, "0")}-${String(n + 1).padStart(3, "0")}`,
      ),
    ).flat()
  : [];
export const spaceMemoryAlarm = $dev
  ? undefined
  : new aws.cloudwatch.MetricAlarm("SpaceMemoryAlarm", {
      alarmDescription: "The space is over 80% of its memory: a full space refuses every purchase",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "notBreaching",
      metricQueries: spaceMemoryDb
        ? [
            {
              id: "fullest",
              returnData: true,
              metric: {
                namespace: "AWS/MemoryDB",
                metricName: "DatabaseMemoryUsagePercentage",
                dimensions: { ClusterName: spaceMemoryDb.cluster.name },
                stat: "Maximum",
                period: 60,
              },
            },
          ]
        : [
            ...spaceNodes.map((node, i) => ({
              id: `node${i}`,
              returnData: false,
              metric: {
                namespace: "AWS/ElastiCache",
                metricName: "DatabaseMemoryUsagePercentage",
                dimensions: { CacheClusterId: node },
                stat: "Maximum",
                period: 60,
              },
            })),
            {
              id: "fullest",
              expression: `MAX([${spaceNodes.map((_, i) => `node${i}`).join(", ")}])`,
              label: "The fullest node's memory use (%)",
              returnData: true,
            },
          ],
      ...actions,
    });
