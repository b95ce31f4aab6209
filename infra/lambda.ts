import { vpc } from "./network";

/**
 * Every HotSeat function: Node 22 on Graviton, inside the VPC next to the space.
 * Not in `sst dev`: there each function is a bridge stub that must reach SST's servers over the internet, and the VPC
 * has no NAT, so a stub placed in it would time out on every call. In dev the space is a local Redis anyway.
 */
export const lambdaDefaults = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  vpc: $dev ? undefined : vpc,
} satisfies Partial<sst.aws.FunctionArgs>;
