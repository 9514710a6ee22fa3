# syntax=docker/dockerfile:1
# The project's one image: every entry point (worker, receiver, api, simulator,
# start-ad, admin) runs from it, picked by the first argument
# (deploy/entrypoint.sh). Built in two stages: the build stage installs
# everything and bundles the workflow code (npm run build); the final stage
# holds only the production dependencies, the sources (entry points run with
# tsx, a production dependency) and that prebuilt bundle.
#   docker build -t vidu-ad-orchestrator .
#   docker run --rm vidu-ad-orchestrator --help
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts/buildWorkflowBundle.ts ./scripts/
# The workflow bundle is built here, once, at image build time: workers start
# without webpack, and it is the build test/deploy/workflowBundle.test.ts replays.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only (tsx among them); their install scripts fetch
# the platform's native parts (Temporal core bridge, esbuild, ffmpeg).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY bin ./bin
COPY deploy/entrypoint.sh deploy/healthcheck.ts ./deploy/
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
# The worker runs the bundle built above (it refuses to start if it is missing).
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    ARTIFACT_DIR=/app/artifacts
# The artifact folder belongs to the runtime user; a named volume mounted here
# starts as a copy of it, owner included.
RUN mkdir -p /app/artifacts && chown node:node /app/artifacts && chmod 0755 deploy/entrypoint.sh
USER node
EXPOSE 8080 8090
# Checks whatever command the container runs (deploy/healthcheck.ts): the
# receiver's and the API's /healthz, for the worker that Temporal sees it polling.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
  CMD ["node", "--import", "tsx", "deploy/healthcheck.ts"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["worker"]
