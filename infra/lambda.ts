import { vpc } from "./network";

/** Every HotSeat function: Node 22 on Graviton, inside the VPC next to the space. */
export const lambdaDefaults = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  vpc,
} satisfies Partial<sst.aws.FunctionArgs>;
