#!/usr/bin/env bash
# Prepares .sst/platform (SST's platform sources, types and npm dependencies) without AWS and without the hosts the
# SST CLI downloads Pulumi and Bun from: only the npm registry is needed. `sst install` asks the Pulumi binary for its
# version and nothing else before it writes the platform, so a stub that prints the version this SST release expects
# stands in for Pulumi. Afterwards `pnpm typecheck:infra` checks sst.config.ts and infra/ against SST's own types and
# the infra tests run the config under Pulumi mocks. Nothing is deployed.
#
#   scripts/sst-install-offline.sh            install unless the platform already matches sst and sst.config.ts
#   scripts/sst-install-offline.sh --force    install again
set -euo pipefail

cd "$(dirname "$0")/.."
force=false
[ "${1:-}" = "--force" ] && force=true

[ -f sst.config.ts ] || { echo "sst-install-offline: run from the repository (no sst.config.ts)" >&2; exit 2; }
[ -e node_modules/sst/package.json ] || { echo "sst-install-offline: run pnpm install first" >&2; exit 2; }

sst_version=$(node -p 'require("./node_modules/sst/package.json").version')
# The providers come from sst.config.ts, so a changed config needs a new install.
stamp="sst ${sst_version} config $(node -p 'require("node:crypto").createHash("sha256").update(require("node:fs").readFileSync("sst.config.ts")).digest("hex").slice(0, 16)')"
stamp_file=.sst/offline-install.stamp
up_to_date() {
  [ -f .sst/platform/config.d.ts ] && [ -f .sst/provider-lock.json ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]
}
if ! $force && up_to_date; then
  echo "sst-install-offline: .sst/platform is up to date (${stamp})"
  exit 0
fi

# Test files running in parallel may all find the platform missing: one installs, the others wait for it.
# (A lock left by a killed install is taken over after ten minutes.)
mkdir -p .sst
lock=.sst/offline-install.lock
until mkdir "$lock" 2>/dev/null; do
  if [ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then rm -rf "$lock"; continue; fi
  sleep 1
done
trap 'rmdir "$lock" 2>/dev/null || true' EXIT
if ! $force && up_to_date; then
  echo "sst-install-offline: .sst/platform was prepared meanwhile (${stamp})"
  exit 0
fi

# The platform binary that the `sst` npm package runs (sst-linux-x64, sst-darwin-arm64, ...).
sst_bin=$(node -e '
  const { createRequire } = require("node:module");
  const fromSst = createRequire(require.resolve("./node_modules/sst/package.json", { paths: [process.cwd()] }));
  process.stdout.write(fromSst.resolve(`sst-${process.platform}-${process.arch}/bin/sst`));
')

# The Pulumi version this SST release pins is the v3.x.y string its binary mentions most often.
pulumi_version=${SST_PULUMI_VERSION:-$(grep -aoE 'v3\.[0-9]{3}\.[0-9]+' "$sst_bin" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')}
[ -n "$pulumi_version" ] || { echo "sst-install-offline: could not tell which Pulumi version sst ${sst_version} expects" >&2; exit 1; }

stub_dir=$(mktemp -d)
trap 'rm -rf "$stub_dir"; rmdir "$lock" 2>/dev/null || true' EXIT
printf '#!/bin/sh\necho "%s"\n' "$pulumi_version" >"$stub_dir/pulumi"
chmod +x "$stub_dir/pulumi"

SST_PULUMI_PATH="$stub_dir/pulumi" SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 \
  SST_STAGE="${SST_STAGE:-offline}" "$sst_bin" install

[ -f .sst/platform/config.d.ts ] || { echo "sst-install-offline: sst install did not write .sst/platform" >&2; exit 1; }
printf '%s\n' "$stamp" >"$stamp_file"
echo "sst-install-offline: .sst/platform is ready (sst ${sst_version}, pulumi ${pulumi_version} assumed)"
