import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const root = path.resolve(import.meta.dirname, "../..");

/** Where the storefront's build lands; the mocked build does not write it, and SST checks that it exists. */
const siteOutput = "packages/web/dist";

export interface MockResource {
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: resource inputs are whatever each provider type takes
  inputs: Record<string, any>;
}

export interface RpcCall {
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: the platform's RPC arguments
  args: Record<string, any>;
}

export interface InfraRun {
  app: {
    name: string;
    stage: string;
    removal: string;
    protect: boolean;
    providers: Record<string, { version?: string }>;
  };
  outputs: Record<string, unknown>;
  resources: MockResource[];
  rpcCalls: RpcCall[];
}

/** Prepares .sst/platform with the project's own script; a no-op when it is already up to date. */
export async function preparePlatform() {
  await run("bash", [path.join(root, "scripts/sst-install-offline.sh")], { cwd: root, timeout: 300_000 });
}

/** Pulumi marks secret values; the assertions want the values. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SECRET_SIG in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The test's environment without the deploy-time settings a developer's shell may carry. */
const inheritedEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("HOTSEAT_") && !name.startsWith("SST_")),
  );

/** Runs sst.config.ts under Pulumi mocks in a child process (one mock run per process) and returns what it made. */
export async function runInfra(
  options: { stage?: string; dev?: boolean; env?: Record<string, string> } = {},
): Promise<InfraRun> {
  const stage = options.stage ?? "test";
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hotseat-infra-")), "run.json");
  const args = [path.join(root, "infra/test/mock-run.mjs"), "--root", root, "--stage", stage, "--out", out];
  args.push("--site-output", siteOutput);
  if (options.dev) args.push("--dev");
  await run(process.execPath, args, {
    cwd: root,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...inheritedEnv(),
      SST_SECRET_AdminToken: "mock-admin-token",
      SST_SECRET_BuyerTokenKey: "mock-buyer-token-key",
      SST_SECRET_StripeSecretKey: "sk_test_mock",
      SST_SECRET_StripeWebhookSecret: "whsec_mock",
      ...options.env,
    },
  });
  const result = unwrapSecrets(JSON.parse(fs.readFileSync(out, "utf8"))) as InfraRun;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return result;
}

export const ofType = (infra: InfraRun, type: string) => infra.resources.filter((r) => r.type === type);

export function only(infra: InfraRun, type: string): MockResource {
  const found = ofType(infra, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as MockResource;
}

export function named(infra: InfraRun, name: string): MockResource {
  const found = infra.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
}

/** A function as SST built it (handler, links) and the Lambda function and role it became. */
export function functionFor(infra: InfraRun, handler: string) {
  const build = infra.rpcCalls.find(
    (c) => (c.method === "Runtime.Build" || c.method === "Runtime.AddTarget") && c.args.handler === handler,
  );
  if (!build) throw new Error(`no function with handler ${handler}`);
  const id: string = build.args.functionID;
  const policy = named(infra, `${id}Role`).inputs.inlinePolicies?.[0]?.policy;
  return {
    id,
    links: build.args.links as Record<string, Record<string, unknown>>,
    lambda: named(infra, `${id}Function`),
    statements: (policy ? JSON.parse(policy).statements : []) as { actions: string[]; resources: string[] }[],
  };
}

/** The resource's physical name the mocks gave it (SST names resources `<app>-<stage>-<Name>-<suffix>`). */
export const physicalName = (resource: MockResource): string => resource.inputs.name;

/** A CloudFront path pattern as CloudFront reads it: `*` any run of characters, `?` exactly one, case-sensitive. */
const pathPatternRegex = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
  );

/** The cache behavior CloudFront picks for a viewer's path: the first ordered behavior that matches, else the default. */
export function behaviorFor(distribution: MockResource, requestPath: string) {
  const ordered: { pathPattern: string }[] = distribution.inputs.orderedCacheBehaviors ?? [];
  const match = ordered.find((b) => pathPatternRegex(b.pathPattern).test(requestPath));
  // biome-ignore lint/suspicious/noExplicitAny: a behavior is whatever the distribution's inputs hold
  return (match ?? { ...distribution.inputs.defaultCacheBehavior, pathPattern: "*" }) as Record<string, any>;
}
