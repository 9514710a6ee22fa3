# syntax=docker/dockerfile:1
# The project's one image: every entry point (worker, receiver, api, simulator,
# start-ad, admin) runs from it, picked by the first argument
# (deploy/entrypoint.sh). Built in two stages on Node 24 LTS: the build stage
# installs everything and runs `npm run build`, which compiles src/ and deploy/
# to JavaScript in dist/ and bundles the workflow code; the final stage holds
# only the production dependencies and dist/, and runs it with plain `node`
# (no tsx, no TypeScript, no sources).
#   docker build -t vidu-ad-orchestrator .
#   docker run --rm vidu-ad-orchestrator --help
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY deploy/healthcheck.ts ./deploy/
COPY scripts/build.mjs scripts/buildWorkflowBundle.ts ./scripts/
# Compiled once, here: the entry points in dist/src and dist/deploy, the
# console's static files beside them, and the workflow bundle, so workers start
# without webpack and what ships is the build test/deploy/workflowBundle.test.ts replays.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; their install scripts fetch the platform's
# native parts (Temporal core bridge, ffmpeg).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY deploy/entrypoint.sh ./deploy/
# The worker runs the bundle built above (it refuses to start if it is missing).
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    ARTIFACT_DIR=/app/artifacts
# The artifact folder belongs to the runtime user; a named volume mounted here
# starts as a copy of it, owner included.
RUN mkdir -p /app/artifacts && chown node:node /app/artifacts && chmod 0755 deploy/entrypoint.sh
USER node
EXPOSE 8080 8090
# Checks whatever command the container runs (deploy/healthcheck.ts, compiled):
# the receiver's and the API's /healthz, for the worker that Temporal sees it polling.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
  CMD ["node", "dist/deploy/healthcheck.js"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["worker"]
