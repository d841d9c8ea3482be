#!/usr/bin/env bash
# Installs the OpenID Connect provider the browser sign-in test starts: the certified npm
# package `oidc-provider`, at the version and with the dependency tree pinned (with their
# integrity hashes) by tests/e2e/oidc/package-lock.json, into .cache/oidc-provider/VERSION/
# (git-ignored), with `npm ci --ignore-scripts` (no install scripts run). Does nothing
# when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

spec=tests/e2e/oidc
version=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["dependencies"]["oidc-provider"])' "$spec/package.json")
cache=.cache/oidc-provider/$version
if [ -s "$cache/node_modules/oidc-provider/package.json" ] && cmp -s "$spec/package-lock.json" "$cache/package-lock.json"; then
  exit 0
fi
command -v npm >/dev/null || die "npm is missing: scripts/setup-tests.sh installs it (Debian's nodejs and npm)"

say "installing oidc-provider@$version (the sign-in test's identity provider) with npm ci"
rm -rf "$cache"
mkdir -p "$cache"
cp "$spec/package.json" "$spec/package-lock.json" "$cache/"
(cd "$cache" && npm ci --silent --ignore-scripts --no-audit --no-fund --no-update-notifier >/dev/null)
say "oidc-provider is in $cache/node_modules"
