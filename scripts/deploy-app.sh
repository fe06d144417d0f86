#!/usr/bin/env bash
# Builds the folder an app image runs from: docker/Dockerfile runs this, and `pnpm deploy:check` runs it to start
# the result with plain node, so what CI checks is what the image holds.
# usage: scripts/deploy-app.sh api|worker OUT_DIR       (after `pnpm install --frozen-lockfile`)
#
# OUT_DIR gets package.json, dist/ (the bundle; "files" of the app's package.json), node_modules/ and
# prisma/migrations/. node_modules is hoisted: the bundle inlines the workspace packages, so their npm
# dependencies (and ffmpeg/ffprobe of @groundtruth/media) must be resolvable from OUT_DIR/dist; pnpm's isolated
# layout gives that only for the app's own direct dependencies.
# inject-workspace-packages for this command only: it selects the deploy that installs exactly the versions of
# pnpm-lock.yaml (--legacy ignores the lockfile and resolves transitive versions afresh), while the workspace
# itself keeps symlinked packages for development.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 api|worker OUT_DIR" >&2; exit 2; }
app="$1"
out="$(realpath -m "$2")"
cd "$(dirname "$0")/.."

pnpm --filter "$app" build
pnpm --filter "$app" deploy --prod --config.inject-workspace-packages=true --config.node-linker=hoisted "$out"
[ -f "$out/dist/main.js" ] || { echo "deploy-app: $out/dist/main.js is missing" >&2; exit 1; }
mkdir -p "$out/prisma"
cp -r packages/db/prisma/migrations "$out/prisma/migrations"
