// Runs sst.config.ts's real `run()`, with SST's own components, under Pulumi's mocks, and records every low-level
// resource it would create. No AWS, no Pulumi engine, no SST CLI: the three things the CLI contributes are
// reproduced here.
//   1. It bundles sst.config.ts with esbuild: its run shim injected, `sst` and each provider prepended as imports to
//      every file outside .sst, `$app`/`$cli`/`$dev` defined, `@pulumi/*` left external (pkg/project in SST).
//   2. The platform calls back to the CLI over JSON-RPC ($SST_SERVER/rpc); a small HTTP stub answers the calls a
//      deploy of this app makes (bootstrap buckets, function builds).
//   3. It runs the program inside a Pulumi stack; here `runtime.setMocks` stands in for the engine.
// One mock run per process (Pulumi's runtime is global), so callers start this file as a child process:
//   node infra/test/mock-run.mjs --stage test --out /tmp/run.json [--site-output packages/web/dist]
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

/** The CLI side of SST, as far as this app needs it. `Runtime.Build` fails like SST does when a handler is missing. */
function startRpcStub(root, work, calls) {
  const methods = {
    "Provider.Aws.Bootstrap": () => ({
      asset: "sst-asset-bucket",
      assetEcrRegistryId: ACCOUNT,
      assetEcrUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
      state: "sst-state",
      appsyncHttp: "appsync.example.com",
      appsyncRealtime: "appsync-realtime.example.com",
    }),
    "Provider.Aws.Appsync": () => ({ http: "appsync.example.com", realtime: "appsync-realtime.example.com" }),
    "Runtime.AddTarget": () => ({}),
    "Runtime.Build": (input) => {
      const file = input.handler.slice(0, input.handler.lastIndexOf("."));
      const found = [".ts", ".tsx", ".mts", ".js", ".mjs"].some((ext) => fs.existsSync(path.join(root, file + ext)));
      if (!found) return { errors: [`Could not resolve "${input.handler}"`], sourcemaps: [] };
      const out = path.join(work, "artifacts", `${input.functionID}-src`);
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, "index.mjs"), "export const handler = async () => {};\n");
      return { handler: "index.handler", out, errors: [], sourcemaps: [] };
    },
  };
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const { method, params } = JSON.parse(body);
      calls.push({ method, args: params[0] });
      const answer = methods[method];
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer ? { result: answer(params[0]) } : { error: `rpc: can't find ${method}` }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Bundles sst.config.ts the way the SST CLI does, into .sst/platform so `@pulumi/*` resolve to the platform's. */
async function bundleConfig(root, platform, work) {
  const esbuild = createRequire(path.join(root, "package.json"))("esbuild");
  const lock = JSON.parse(fs.readFileSync(path.join(root, ".sst/provider-lock.json"), "utf8"));
  const globals = [
    ...lock.map((provider) => `import * as ${provider.alias} from "${provider.package}";`),
    `import * as sst from "${path.join(platform, "src/components")}";`,
  ].join("\n");
  const outfile = path.join(platform, `mock-run-${process.pid}.mjs`);
  fs.mkdirSync(work, { recursive: true });
  await esbuild.build({
    stdin: {
      contents: [
        `import { run } from "${path.join(platform, "src/auto/run.ts")}";`,
        `import config from "${path.join(root, "sst.config.ts")}";`,
        "export { run, config };",
      ].join("\n"),
      resolveDir: root,
      sourcefile: "eval.ts",
      loader: "ts",
    },
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from "module";`,
        "const require = topLevelCreateRequire(import.meta.url);",
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";`,
        "const __filename = topLevelFileUrlToPath(import.meta.url);",
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));`,
      ].join("\n"),
    },
    bundle: true,
    write: true,
    outfile,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    logLevel: "error",
    nodePaths: [path.join(platform, "node_modules")],
    external: [
      "@pulumi/*",
      "undici",
      "@pulumiverse/*",
      "@sst-provider/*",
      "@aws-sdk/*",
      "esbuild",
      "archiver",
      "glob",
      "vite",
    ],
    define: { $app: "globalThis.__sstApp", $cli: "globalThis.__sstCli", $dev: "globalThis.__sstDev" },
    inject: [path.join(platform, "src/shim/run.js")],
    plugins: [
      {
        name: "inject-globals",
        setup(build) {
          build.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (file) => {
            const contents = await fs.promises.readFile(file.path, "utf8");
            return {
              contents: file.path.includes(".sst") ? contents : `${globals}\n${contents}`,
              loader: "default",
            };
          });
        },
      },
    ],
  });
  return outfile;
}

/** What the mocked engine answers for a new resource: its inputs plus the attributes components read back. */
function mockState(args) {
  const name = args.inputs.name ?? args.name;
  const service = args.type.split(":")[1];
  const arn = `arn:aws:mock:${REGION}:${ACCOUNT}:${service}/${name}`;
  return {
    arn,
    name,
    url: `https://${args.name}.example.com`,
    apiEndpoint: `https://${args.name}.execute-api.example.com`,
    invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/${args.name}`,
    executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${args.name}`,
    functionUrl: `https://${args.name}.lambda-url.example.com/`,
    domainName: `${args.name}.cloudfront.net`,
    hostedZoneId: "Z2FDTNDATAQYW2",
    bucket: name,
    // Lambda: the version a published function gets.
    version: "1",
    qualifiedArn: `${arn}:1`,
    qualifiedInvokeArn: `arn:aws:apigateway:${REGION}:lambda:path/${args.name}:1`,
    responseStreamingInvokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2021-11-15/functions/${arn}/response-streaming-invocations`,
    // ElastiCache replication group and the random auth token.
    clusterEnabled: args.inputs.clusterMode === "enabled",
    configurationEndpointAddress: `${args.name}.cfg.cache.example.com`,
    primaryEndpointAddress: `${args.name}.primary.cache.example.com`,
    result: `${args.name}-mock-secret`,
    ...args.inputs,
  };
}

function mockCall(args) {
  switch (args.token) {
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/mock`, userId: "mock" };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: [`${REGION}a`, `${REGION}b`, `${REGION}c`], zoneIds: ["use1-az1", "use1-az2", "use1-az3"] };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { ...args.inputs, json: JSON.stringify(args.inputs) };
    default:
      return { id: "mock", ...args.inputs };
  }
}

/** Resolves every Output in the value (outputs of `run()` are Outputs; mocks resolve them to plain values). */
const resolveOutputs = (pulumi, value) => new Promise((resolve) => pulumi.output(value).apply(resolve));

export async function mockRun({ root, stage, dev = false, siteOutputs = [] }) {
  root = path.resolve(root);
  const platform = path.join(root, ".sst/platform");
  const work = path.join(root, ".sst/mock-work", `${stage}-${process.pid}`);
  if (!fs.existsSync(path.join(platform, "config.d.ts")))
    throw new Error("no .sst/platform: run scripts/sst-install-offline.sh first");
  const pulumi = createRequire(path.join(platform, "package.json"))("@pulumi/pulumi");

  // The static site's build is a mocked command, but SST checks that its output exists.
  for (const dir of siteOutputs) fs.mkdirSync(path.join(root, dir), { recursive: true });

  const rpcCalls = [];
  const server = await startRpcStub(root, work, rpcCalls);
  process.env.SST_SERVER = `http://127.0.0.1:${server.address().port}`;
  process.env.SST_AWS_REGION ??= REGION;
  const outfile = await bundleConfig(root, platform, work);
  try {
    const { run, config } = await import(outfile);
    const app = await config.app({ stage });
    const providers = Object.fromEntries(
      Object.entries(app.providers ?? {}).map(([name, value]) => [
        name,
        typeof value === "string" ? { version: value } : value,
      ]),
    );
    globalThis.__sstApp = {
      name: app.name,
      stage,
      removal: app.removal ?? "retain",
      protect: Boolean(app.protect),
      providers,
      home: app.home,
    };
    globalThis.__sstCli = {
      command: dev ? "dev" : "deploy",
      dev,
      paths: { home: work, root, work, platform },
      state: { version: {} },
    };
    globalThis.__sstDev = dev;

    const resources = [];
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          resources.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: mockState(args) };
        },
        call: mockCall,
      },
      app.name,
      stage,
      false,
    );
    const outputs = await pulumi.runtime.runInPulumiStack(() => run(config.run));
    await pulumi.runtime.waitForRPCs?.();
    return { app: globalThis.__sstApp, outputs: await resolveOutputs(pulumi, outputs), resources, rpcCalls };
  } finally {
    server.close();
    fs.rmSync(outfile, { force: true });
    fs.rmSync(`${outfile}.map`, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
    // The empty site output stays: several infra test files run at once, and removing it here
    // pulled it from under another run's check (a flaky "No build output found"). It is git-ignored,
    // and `pnpm start` builds the storefront when it holds no index.html.
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      root: { type: "string", default: "." },
      stage: { type: "string", default: "test" },
      dev: { type: "boolean", default: false },
      out: { type: "string" },
      "site-output": { type: "string", multiple: true, default: [] },
    },
  });
  const result = await mockRun({
    root: values.root,
    stage: values.stage,
    dev: values.dev,
    siteOutputs: values["site-output"],
  });
  const json = JSON.stringify(result, null, 1);
  if (values.out) fs.writeFileSync(values.out, json);
  else {
    for (const r of result.resources) console.log(r.type, r.name);
    console.error(`${result.resources.length} resources`);
  }
  process.exit(0);
}
