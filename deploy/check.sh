#!/usr/bin/env bash
# Offline checks of the container deployment (no Docker engine needed): the Compose file
# resolves, and the Dockerfile passes dockerfilelint. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null
fi
BRIDGE_JWT_SECRET=compose-config-check-secret-0123456789 docker-compose -f docker-compose.yml config --quiet
echo "docker-compose.yml: valid"

tools=$(mktemp -d)
npm install --silent --prefix "$tools" dockerfilelint@1 >/dev/null 2>&1
"$tools/node_modules/.bin/dockerfilelint" Dockerfile
