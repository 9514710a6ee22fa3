#!/usr/bin/env bash
# `npm run test:schemathesis`: Schemathesis (PyPI, pinned below, installed once into the
# git-ignored .tools/schemathesis virtualenv) against the API's own /openapi.json, with
# `--checks all`, a fixed seed and an admin key, on a live system (Temporal dev server,
# Vidu simulator, worker, API: scripts/schemathesisRun.ts).
#
# The fuzzer sends notifyUrls and image URLs of its own choosing, which the worker would
# call, so everything runs inside a new network namespace with only loopback up
# (`unshare -n`, needs root or CAP_SYS_ADMIN): a missing protection shows as a failed
# check, never as traffic leaving this machine. Extra arguments go to `st run`.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
venv=.tools/schemathesis

if [ "${SCHEMATHESIS_IN_NAMESPACE:-}" != 1 ]; then
  if [ "$("$venv/bin/st" --version 2>/dev/null)" != "st, version $SCHEMATHESIS_VERSION" ]; then
    echo "== schemathesis: installing schemathesis==$SCHEMATHESIS_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -E"
  exec $SUDO env SCHEMATHESIS_IN_NAMESPACE=1 unshare -n -- bash "$PWD/scripts/schemathesis.sh" "$@"
fi

# Inside the namespace: loopback only.
ip link set lo up
if ip -o route show | grep -q .; then
  echo "schemathesis: FAIL (the namespace has a route beyond loopback: $(ip -o route show | head -1))" >&2
  exit 1
fi
exec npx --no-install tsx scripts/schemathesisRun.ts "$@"
