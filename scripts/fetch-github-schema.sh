#!/usr/bin/env bash
# Fetches GitHub's public GraphQL schema for the tests: the npm package pinned in
# tests/ingest/github/schema.pin, with `npm pack` (no node_modules, no install scripts),
# checked against the pinned sha512, its schema.graphql kept in .cache/github-schema/VERSION/
# (git-ignored). Does nothing when that file is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

pin=tests/ingest/github/schema.pin
field() { awk -v key="$1" '$1 == key { print $2 }' "$pin"; }
package=$(field package)
version=$(field version)
integrity=$(field integrity)
[ -n "$package" ] && [ -n "$version" ] && [ -n "$integrity" ] || die "$pin lacks package, version or integrity"

cache=.cache/github-schema/$version
if [ -s "$cache/schema.graphql" ]; then
  exit 0
fi
command -v npm >/dev/null || die "npm is missing: scripts/setup-tests.sh installs it (Debian's nodejs and npm)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say "fetching $package@$version with npm pack"
npm pack --silent --no-update-notifier --pack-destination "$work" "$package@$version" >/dev/null
tarball=$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)
[ -n "$tarball" ] || die "npm pack $package@$version produced no tarball"
actual=sha512-$(python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")
[ "$actual" = "$integrity" ] || die "$package@$version: its tarball's $actual is not the pinned $integrity"
tar -xzf "$tarball" -C "$work" package/schema.graphql
mkdir -p "$cache"
mv "$work/package/schema.graphql" "$cache/schema.graphql"
say "GitHub's GraphQL schema is in $cache/schema.graphql"
