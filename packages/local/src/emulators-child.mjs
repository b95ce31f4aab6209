// Runs kinesalite and dynalite in their own process, off the API's event loop. Started by
// emulators.ts over IPC; exits when its parent goes away, so a killed stack leaves no orphan.
import fs from "node:fs";
import path from "node:path";
import dynalite from "dynalite";
import kinesalite from "kinesalite";

const dataDir = process.argv[2];
const kinesisPort = Number(process.argv[3] ?? 0);
const dynamoPort = Number(process.argv[4] ?? 0);
const kinesisPath = path.join(dataDir, "kinesis");
const dynamoPath = path.join(dataDir, "dynamodb");
fs.mkdirSync(kinesisPath, { recursive: true });
fs.mkdirSync(dynamoPath, { recursive: true });

const listen = (server, port) =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server.address().port));
  });

const kinesis = kinesalite({
  path: kinesisPath,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 50,
});
const dynamo = dynalite({ path: dynamoPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
try {
  const ports = { kinesis: await listen(kinesis, kinesisPort), dynamo: await listen(dynamo, dynamoPort) };
  process.send?.({ type: "ready", ports });
} catch (e) {
  process.send?.({ type: "error", message: String(e?.message ?? e) });
  process.exit(1);
}

const shutdown = () => {
  let open = 2;
  const done = () => --open === 0 && process.exit(0);
  kinesis.close(done);
  dynamo.close(done);
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("disconnect", shutdown);
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
