# syntax=docker/dockerfile:1.7
# Haven's image: one image for the web server (`next start`), the job worker
# (`npm run worker`) and the one-shot commands (`npm run db:migrate`,
# `npm run keys:rotate`, `npm run audit:verify`, `npm run backup`…).
# docs/deployment.md explains every choice; compose.yaml runs it for one clinic.
#
#   docker build -t haven .
#   docker build --build-arg NODE_VERSION=24 --build-arg PG_MAJOR=16 -t haven .
#
# Run it with a read-only root filesystem: the only writable places it needs are
# /tmp (tsx's compile cache, npm's cache and logs), /app/.next/cache, and the
# volumes under /var/lib/haven (documents, audit checkpoints, erasure ledger,
# backups). Run it with an init (this image's ENTRYPOINT is tini) so SIGTERM
# reaches Node and zombie processes (pg_dump) are reaped.

ARG NODE_VERSION=22
# The PostgreSQL server's major version: pg_dump refuses to dump a server newer
# than itself, so the image carries the client tools of the server's major.
ARG PG_MAJOR=17

# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# ---------------------------------------------------------------------------
# Dependencies, exactly as locked. `npm ci` works inside a linux/x64 (or arm64)
# image: .ci/run uses `npm install` only because the lock may lack another
# platform's optional binaries, which a Linux build never needs. Install
# scripts are skipped on purpose: the root postinstall (`prisma generate`) runs
# explicitly in the build stage, argon2 is rebuilt below, SWC, esbuild and
# sharp ship their binaries as packages, and @sentry/cli's script would
# download a binary Haven never uses (source maps are not uploaded).
#
# argon2 is compiled from source: its bundled linux-x64 glibc prebuild crashed
# Node (SIGSEGV on the first hash, and `next build` while collecting page data)
# on the Debian 12 machine this was checked on; built here it works. The
# compiler is needed in this stage only.
FROM base AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts \
 && npm_config_build_from_source=true npm_config_nodedir=/usr/local npm rebuild argon2 \
 && node -e "require('argon2').hash('check').then(() => console.log('argon2 ok'))"

# ---------------------------------------------------------------------------
FROM base AS build
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# prisma generate needs no engine (scripts/prisma-generate.ts points the CLI at
# a stub); next build type-checks and bundles (about 1.5 GB of memory at its
# peak). Then the dev dependencies go: nothing at run time needs them (next
# start, tsx for the scripts, the generated Prisma client and pg are all
# dependencies), .next/cache holds only the build's own cache, and tests/ was
# there only for the type check (scripts/lib/e2e-fixtures.ts imports from it).
RUN node_modules/.bin/tsx scripts/prisma-generate.ts \
 && NODE_ENV=production node_modules/.bin/next build \
 && npm prune --omit=dev --ignore-scripts \
 && rm -rf .next/cache tests

# ---------------------------------------------------------------------------
FROM base AS runtime
ARG PG_MAJOR
# tini: PID 1 that forwards signals and reaps children.
# postgresql-client-N: pg_dump/pg_restore/psql for `npm run backup` and `restore`
#   (Debian bookworm has 15; newer majors come from the PostgreSQL project's own
#   apt repository, whose signing key ships in Debian's postgresql-common).
# ca-certificates: TLS to PostgreSQL, SMTP, Stripe, Razorpay, Sentry, S3.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends tini ca-certificates; \
    if ! apt-cache show "postgresql-client-${PG_MAJOR}" >/dev/null 2>&1; then \
      apt-get install -y --no-install-recommends postgresql-common; \
      /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y; \
    fi; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/*; \
    pg_dump --version

# A fixed, unprivileged uid/gid (10001), so volume ownership is predictable on
# every host and matches `user: "10001:10001"` in compose.yaml.
RUN groupadd --system --gid 10001 haven \
 && useradd --system --uid 10001 --gid haven --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin haven \
 && install -d -o haven -g haven -m 0700 \
      /var/lib/haven/documents \
      /var/lib/haven/audit-checkpoints \
      /var/lib/haven/erasure-ledger \
      /var/lib/haven/backups

ENV NODE_ENV=production \
    PORT=3000 \
    TMPDIR=/tmp \
    NPM_CONFIG_CACHE=/tmp/.npm \
    DOCUMENTS_DIR=/var/lib/haven/documents \
    AUDIT_CHECKPOINT_DIR=/var/lib/haven/audit-checkpoints \
    ERASURE_LEDGER_DIR=/var/lib/haven/erasure-ledger \
    BACKUP_DIR=/var/lib/haven/backups

# The application stays owned by root and read-only to the app's user: a
# compromised process cannot change the code it runs.
COPY --from=build /app /app
# next start may cache there (image optimisation); mount a tmpfs over it when
# the root filesystem is read-only.
RUN install -d -o haven -g haven -m 0700 /app/.next/cache

USER 10001:10001
EXPOSE 3000
# No VOLUME instruction: an anonymous volume would quietly hold the erasure
# ledger or the checkpoints where no other instance and no backup sees them.
# Mount named volumes (compose.yaml); with a read-only root filesystem a
# forgotten mount fails loudly at the first write instead.

# 200 only while the database answers (503 otherwise). Node is in the image, so
# no curl or wget is needed. The worker has no HTTP port: compose.yaml disables
# this check for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# tini as PID 1; then NAME_FILE secrets (Docker/Kubernetes secret files) become
# NAME for Haven's secrets (deploy/docker-entrypoint.sh); then the command.
ENTRYPOINT ["/usr/bin/tini", "--", "/app/deploy/docker-entrypoint.sh"]
# `npm start` without npm in between: signals go straight to Next. Long-running
# commands should not go through `npm run` either: npm passes SIGTERM to its
# `sh -c`, which does not pass it on (compose.yaml runs the worker with tsx).
CMD ["node_modules/.bin/next", "start", "--hostname", "0.0.0.0"]
