# syntax=docker/dockerfile:1
#
# Production image. In a container DATABASE_URL and DATABASE_APP_PASSWORD are required (see .env.example):
# embedded Postgres is for development, and the non-root user below cannot create a data directory anyway.
# Production also refuses to start without a way to send email (RESEND_API_KEY, or EMAIL_TRANSPORT=log).
#
#   docker build -t portico .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… -e DATABASE_APP_PASSWORD=… -e PORTAL_DOMAIN=… portico
#
# The Node line is a build argument so that moving to the next LTS is one change
# (docs/decisions/004-node-version-policy.md).
ARG NODE_VERSION=24

# --- deps: every dependency, exactly as locked -------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
# Only the manifests (and the dependency patches npm install applies), so this layer is rebuilt only when
# dependencies change.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

# --- build: the Remix app, then drop development dependencies ----------------------------------------------------
FROM deps AS build
COPY . .
# With NODE_ENV=production the server never builds at start-up (server/main.ts): the image must carry the build.
RUN npx remix build
# tsx is a runtime dependency (docs/decisions/006-running-typescript-with-tsx.md), so it survives the prune.
RUN npm prune --omit=dev --no-audit --no-fund

# --- runtime --------------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim
# A heap ceiling of its own: without one V8 sizes the heap from the host's memory and lets garbage pile up between
# collections (about 340 MB of RSS under load, against about 230 MB with the ceiling and some 10% less throughput:
# bench/README.md). Override NODE_OPTIONS for a practice whose workload needs more.
ENV NODE_ENV=production PORT=3000 NODE_OPTIONS=--max-old-space-size=512
WORKDIR /app
# Owned by root and read-only to the server, which writes nothing under /app (logs go to stdout; tsx caches in /tmp).
COPY --from=build /app/package.json /app/tsconfig.json /app/remix.config.js ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
COPY --from=build /app/app ./app
COPY --from=build /app/server ./server
COPY --from=build /app/db ./db
COPY --from=build /app/tenants ./tenants

USER node
EXPOSE 3000
# slim images have no curl; Node's fetch does the job. /healthz answers on any Host, before tenant resolution.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tsx directly rather than through npx: one process fewer between `docker stop`'s SIGTERM and the server's
# graceful shutdown (tsx relays the signal to the server process).
CMD ["node_modules/.bin/tsx", "server/main.ts"]
