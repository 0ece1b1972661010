#!/usr/bin/env bash
# Offline checks of the container deployment (no Docker engine needed), run by .ci/run:
#  1. the Compose file resolves, with docker-compose 1.29 and with Compose v2 where installed;
#  2. the limits agree: the bridges' sessions, nginx's connections and open files, the containers'
#     ulimits, nginx's shutdown timeout and the load balancer's stop grace period; nginx re-resolves
#     the bridges and waits for their health (check-limits.mjs);
#  3. nginx parses deploy/nginx.conf;
#  4. nginx follows a recreated bridge without a restart, keeps metrics and the API documents off
#     the public port, and stops within worker_shutdown_timeout with WebSockets open
#     (follow-bridges-test.mjs: Debian's nginx, dnsmasq and stub bridges on loopback, about 20 s);
#  5. the Dockerfile passes dockerfilelint.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

work=$(mktemp -d)
created_policy=""
cleanup() {
  rm -rf "$work"
  if [ -n "$created_policy" ]; then rm -f "$created_policy"; fi
}
trap cleanup EXIT

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v dnsmasq >/dev/null 2>&1 || missing+=(dnsmasq-base)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  # The nginx package starts its service (on port 80) unless a policy forbids it; container
  # images usually have this policy, a bare machine may not.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    created_policy=/usr/sbin/policy-rc.d
  fi
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o DPkg::Lock::Timeout=300 "${missing[@]}"; } >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    exit 1
  fi
fi

# 1. Compose
export BRIDGE_JWT_SECRET=compose-config-check-secret-0123456789
docker-compose -f docker-compose.yml config >"$work/compose.yml"
echo "docker-compose.yml: valid (docker-compose $(docker-compose version --short))"
if docker compose version >/dev/null 2>&1; then
  docker compose -f docker-compose.yml config --quiet
  echo "docker-compose.yml: valid (Compose $(docker compose version --short))"
else
  echo "docker-compose.yml: Compose v2 is not installed here; checked with docker-compose only"
fi

tools="$work/tools"
npm install --silent --no-audit --no-fund --prefix "$tools" dockerfilelint@1 yaml@2 >/dev/null 2>&1

# 2. Limits
node deploy/check-limits.mjs "$tools" "$work/compose.yml"

# 3. nginx parses the file as it is: the bridges are resolved while serving, so no name needs to
# resolve here.
nginx -t -q -p "$work/" -c "$PWD/deploy/nginx.conf" -e "$work/nginx-error.log" -g "pid $work/nginx.pid;"
echo "deploy/nginx.conf: valid ($(nginx -v 2>&1 | sed 's/^nginx version: //'))"

# 4. Re-resolution
node deploy/follow-bridges-test.mjs

# 5. Dockerfile
"$tools/node_modules/.bin/dockerfilelint" Dockerfile
