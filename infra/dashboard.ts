import { api5xxAlarm, deadLetterAlarm, pumpLagAlarm } from "./alarms";
import { api, apiRoute } from "./api";
import { deadLetters, pump, writer } from "./pump";
import { sweeper } from "./sweeper";
import { table } from "./table";
import { router } from "./web";

/** Kept in step with packages/functions/src/metrics.ts (the infra bundle cannot import the functions package). */
const NAMESPACE = "HotSeat";

const region = aws.getRegionOutput().region;
const stage = $app.stage;

type Metric = (string | $util.Output<string> | { stat?: string; label?: string; region?: string })[];

/** One graph; `x`, `y` on CloudWatch's 24-column grid. */
const graph = (
  title: string,
  metrics: Metric[],
  at: { x: number; y: number },
  options: Record<string, unknown> = {},
) => ({
  type: "metric",
  ...at,
  width: 8,
  height: 6,
  properties: { title, region, view: "timeSeries", stat: "Sum", period: 60, metrics, ...options },
});

/** HotSeat's own metric (EMF, from the functions), with the dimensions Powertools writes: service and Stage. */
const own = (name: string, service: "writer" | "sweeper", stat: string, label = name): Metric => [
  NAMESPACE,
  name,
  "service",
  service,
  "Stage",
  stage,
  { stat, label },
];

const lambda = (fn: $util.Output<string>, label: string, metric: string): Metric => [
  "AWS/Lambda",
  metric,
  "FunctionName",
  fn,
  { label },
];
const functions: [string, $util.Output<string>][] = [
  ["api", apiRoute.nodes.function.name],
  ["writer", writer.nodes.function.name],
  ["sweeper", sweeper.nodes.function.name],
];

/** One page per stage: what buyers see, the sale, the pump, the functions, beside the alarms. */
export const dashboard = new aws.cloudwatch.Dashboard("Dashboard", {
  dashboardName: `${$app.name}-${stage}`,
  dashboardBody: $jsonStringify({
    widgets: [
      {
        type: "alarm",
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: { title: "Alarms", alarms: [pumpLagAlarm.arn, deadLetterAlarm.arn, api5xxAlarm.arn] },
      },
      graph(
        "API requests and errors",
        [
          ["AWS/ApiGateway", "Count", "ApiId", api.nodes.api.id, "Stage", "$default", { label: "requests" }],
          ["AWS/ApiGateway", "4xx", "ApiId", api.nodes.api.id, "Stage", "$default", { label: "4xx (429 included)" }],
          ["AWS/ApiGateway", "5xx", "ApiId", api.nodes.api.id, "Stage", "$default", { label: "5xx (503 included)" }],
        ],
        { x: 0, y: 2 },
      ),
      graph(
        "API latency (ms)",
        [
          ["AWS/ApiGateway", "Latency", "ApiId", api.nodes.api.id, "Stage", "$default", { stat: "p50", label: "p50" }],
          ["AWS/ApiGateway", "Latency", "ApiId", api.nodes.api.id, "Stage", "$default", { stat: "p99", label: "p99" }],
        ],
        { x: 8, y: 2 },
      ),
      ...(router
        ? [
            // CloudFront publishes its metrics in us-east-1 whatever the stage's region.
            graph(
              "CloudFront: requests the edge answered",
              [
                [
                  "AWS/CloudFront",
                  "Requests",
                  "DistributionId",
                  router.nodes.cdn.nodes.distribution.id,
                  "Region",
                  "Global",
                  { region: "us-east-1" },
                ],
              ],
              { x: 16, y: 2 },
              { region: "us-east-1" },
            ),
          ]
        : []),
      graph("Orders persisted, per minute", [own("OrdersPersisted", "writer", "Sum", "orders persisted")], {
        x: 0,
        y: 8,
      }),
      graph(
        "Pending (taken, not yet persisted)",
        [
          own("PendingOrders", "sweeper", "Maximum", "pending orders"),
          own("OldestPendingAgeMs", "sweeper", "Maximum", "oldest pending (ms)"),
        ],
        { x: 8, y: 8 },
      ),
      graph(
        "Recovery",
        [
          own("SpaceRebuilds", "sweeper", "Sum", "space rebuilds"),
          own("OrdersRepublished", "sweeper", "Sum", "orders re-published"),
          own("SweepFailures", "sweeper", "Sum", "sweep failures"),
        ],
        { x: 16, y: 8 },
      ),
      graph(
        "Pump: writes",
        [
          ["AWS/Kinesis", "IncomingRecords", "StreamName", pump.name, { label: "records in" }],
          ["AWS/Kinesis", "WriteProvisionedThroughputExceeded", "StreamName", pump.name, { label: "writes throttled" }],
        ],
        { x: 0, y: 14 },
      ),
      graph(
        "Pump lag (ms)",
        [
          [
            "AWS/Kinesis",
            "GetRecords.IteratorAgeMilliseconds",
            "StreamName",
            pump.name,
            { stat: "Maximum", label: "iterator age" },
          ],
          own("PumpLagMs", "writer", "Maximum", "oldest record's wait"),
        ],
        { x: 8, y: 14 },
      ),
      graph(
        "Writer: refused records, dead letters, table throttles",
        [
          own("PumpRecordFailures", "writer", "Sum", "refused records"),
          [
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            deadLetters.nodes.queue.name,
            { stat: "Maximum", label: "dead letters" },
          ],
          ["AWS/DynamoDB", "ThrottledRequests", "TableName", table.name, { label: "table throttles" }],
        ],
        { x: 16, y: 14 },
      ),
      graph(
        "Functions: concurrency",
        functions.map(([label, fn]) => lambda(fn, label, "ConcurrentExecutions")),
        { x: 0, y: 20 },
        { stat: "Maximum" },
      ),
      graph(
        "Functions: errors",
        functions.map(([label, fn]) => lambda(fn, label, "Errors")),
        { x: 8, y: 20 },
      ),
      graph(
        "Functions: throttles",
        functions.map(([label, fn]) => lambda(fn, label, "Throttles")),
        { x: 16, y: 20 },
      ),
    ],
  }),
});
