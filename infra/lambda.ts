import { vpc } from "./network";

/**
 * Every HotSeat function: Node 22 on Graviton, inside the VPC next to the space, traced by X-Ray.
 * Not in `sst dev`: there each function is a bridge stub that must reach SST's servers over the internet, and the VPC
 * has no NAT, so a stub placed in it would time out on every call. In dev the space is a local Redis anyway, and the
 * code runs on the developer's machine, where there is nothing to trace.
 */
export const lambdaDefaults = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  vpc: $dev ? undefined : vpc,
  // X-Ray samples invocations (by default the first request each second and 5% of the rest), showing where an
  // invocation's time went: init, the handler, and the Lambda service around it.
  transform: $dev ? undefined : { function: { tracingConfig: { mode: "Active" } } },
  permissions: $dev ? [] : [{ actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] }],
} satisfies Partial<sst.aws.FunctionArgs>;
