#!/bin/sh
# The container's entry point: `docker run <image> <command> [args...]` runs one
# of the project's entry points. Each command is the npm script of the same
# name (package.json "scripts"; test/deploy/dockerfile.test.ts keeps the two in
# step), run compiled, as `node dist/<file>.js` (`npm run build` made it from
# <file>.ts in the image's build stage; the image holds no tsx or TypeScript),
# rather than through npm, so the entry point itself is the process that gets
# SIGTERM from `docker stop` and drains before it exits.
set -eu

usage() {
  cat <<'USAGE'
usage: docker run <image> <command> [args...]
  worker       run the workflow and its activities (the default command)
  receiver     the webhook receiver for Vidu's signed callbacks (port 8080)
  api          the HTTP API and review console (port 8090, needs API_TOKENS)
  simulator    the Vidu simulator (e.g. simulator --host 0.0.0.0 --port 8089)
  start-ad     start an ad (start-ad --help)
  admin        the admin tool (admin --help)
Settings come from the environment (see the README's Configuration table).
For a shell: docker run --rm -it --entrypoint sh <image>
USAGE
}

command="${1:-}"
case "$command" in
  worker) entry=src/entrypoints/worker/main.ts ;;
  receiver) entry=src/entrypoints/receiver/main.ts ;;
  api) entry=src/entrypoints/api/main.ts ;;
  simulator) entry=src/entrypoints/simulator/main.ts ;;
  start-ad) entry=src/entrypoints/start-ad/main.ts ;;
  admin) entry=src/entrypoints/admin/main.ts ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    echo "unknown command \"$command\"" >&2
    usage >&2
    exit 2
    ;;
esac
shift

# The image's HEALTHCHECK runs in a separate process and reads what runs here
# (deploy/healthcheck.ts); a read-only file system only loses that hint.
printf '%s\n' "$command" "$@" >/tmp/container-command 2>/dev/null || true

exec node "dist/${entry%.ts}.js" "$@"
