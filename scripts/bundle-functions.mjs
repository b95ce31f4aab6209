// Bundles the Lambda handlers the way they ship: one self-contained ESM file per function, for Node 22, with every
// dependency (AWS SDK included) inside, so what runs is exactly what was tested. SST builds the deployed functions
// itself; this bundle is CI's proof that the handlers bundle and run outside the monorepo.
//   node scripts/bundle-functions.mjs [--outdir dist/functions]
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Output name → handler module; each exports `handler`. */
export const functions = {
  api: "packages/functions/src/api/lambda.ts",
  writer: "packages/functions/src/writer.ts",
  sweeper: "packages/functions/src/sweeper.ts",
};

/**
 * The API's reference page files (packages/functions/src/api/docs-assets.ts), shipped beside the bundles as the
 * package the API resolves them from at run time, as infra/api.ts's `copyFiles` ships them on AWS. The bundle test
 * asks the bundled API for each file that list names.
 */
const docsPackage = "swagger-ui-dist";
const docsFiles = ["package.json", "swagger-ui-bundle.js", "swagger-ui.css"];

function copyDocsAssets(outdir) {
  const from = path.dirname(
    createRequire(path.join(root, "packages/functions/package.json")).resolve(`${docsPackage}/package.json`),
  );
  const to = path.join(outdir, "node_modules", docsPackage);
  fs.mkdirSync(to, { recursive: true });
  for (const file of docsFiles) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

export async function bundleFunctions(outdir = path.join(root, "dist/functions")) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(functions).map(([name, file]) => [name, path.join(root, file)])),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    // CommonJS dependencies (ioredis, electrodb) call require() for Node's built-ins; ESM has no require.
    banner: {
      js: `import { createRequire as __hotseatCreateRequire } from "node:module"; const require = __hotseatCreateRequire(import.meta.url);`,
    },
  });
  copyDocsAssets(outdir);
  return Object.fromEntries(
    Object.keys(functions).map((name) => {
      const file = path.join(outdir, `${name}.mjs`);
      const output = result.metafile.outputs[path.relative(root, file)];
      return [name, { file, bytes: output?.bytes ?? 0 }];
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: "string" }, json: { type: "boolean", default: false } } });
  const bundles = await bundleFunctions(values.outdir ? path.resolve(values.outdir) : undefined);
  if (values.json) console.log(JSON.stringify(bundles));
  else
    for (const [name, b] of Object.entries(bundles))
      console.log(`${name}: ${path.relative(root, b.file)} (${(b.bytes / 1024).toFixed(0)} KiB)`);
}
