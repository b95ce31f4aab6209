import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Fails early, saying what to install, when a command the cluster needs is missing. */
export function requireTool(command: string, versionFlag: string, install: string) {
  if (spawnSync(command, [versionFlag]).error)
    throw new Error(`${command} was not found: a local Redis Cluster needs it (${install})`);
}

/** A throwaway CA and one certificate for 127.0.0.1, made with openssl (no hand-made crypto). */
export async function makeCertificates(dir: string) {
  const file = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const subject = (cn: string) => ["-subj", `/CN=${cn}`];
  await run(
    "openssl",
    ["req", "-x509", ...ec, "-days", "2", "-keyout", file("ca.key"), "-out", file("ca.crt")].concat(
      subject("hotseat-test-ca"),
    ),
  );
  await run(
    "openssl",
    ["req", ...ec, "-keyout", file("redis.key"), "-out", file("redis.csr")].concat(subject("127.0.0.1")),
  );
  fs.writeFileSync(file("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    file("redis.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("redis.crt"),
    "-days",
    "2",
    "-extfile",
    file("san.cnf"),
  ]);
  return { ca: file("ca.crt"), cert: file("redis.crt"), key: file("redis.key") };
}
