#!/usr/bin/env bash
# Parses docker-compose.yml with the compose client (no engine needed). Installs Debian's docker-compose in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose) >/dev/null
  compose=(docker-compose)
else
  echo "compose:check: no docker compose client here (apt-get install docker-compose); skipped" >&2
  exit 0
fi
"${compose[@]}" -f docker-compose.yml config --quiet
"${compose[@]}" -f docker-compose.yml --profile tools config --services | sort | tr '\n' ' '
echo "- docker-compose.yml is valid"
