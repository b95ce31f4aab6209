// Plays Lambda for one bundled handler, in its own Node process like a Lambda instance: the bundle is loaded once
// (the cold start, module-scope clients included), then each event the parent sends over IPC is one invocation.
//   fork("infra/test/invoke-bundle.mjs", [bundle.mjs]); send { id, event }; receive { id, ok, value | error }
import { pathToFileURL } from "node:url";

const bundle = process.argv[2];
const functionName = `hotseat-test-${bundle
  .split("/")
  .pop()
  .replace(/\.mjs$/, "")}`;

const contextFor = (requestId) => {
  const deadline = Date.now() + 30_000;
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "1024",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done() {},
    fail() {},
    succeed() {},
  };
};

const loaded = import(pathToFileURL(bundle).href);
process.on("message", async ({ id, event }) => {
  try {
    const { handler } = await loaded;
    const value = await handler(event, contextFor(`req-${id}`));
    process.send({ id, ok: true, value: value ?? null });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.stack ?? error) });
  }
});
// Module-scope clients (Redis, SDK) keep the event loop alive between invocations, as on Lambda; the parent ends
// the instance by disconnecting.
process.on("disconnect", () => process.exit(0));
