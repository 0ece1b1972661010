#!/usr/bin/env bash
# The benchmark's one entry point: meeting-bridge side by side with a Socket.IO 4 + Redis adapter peer.
#
#   bench/run.sh             full run (a few minutes on 2 cores); prepends its table to bench/RESULTS.md
#   bench/run.sh --smoke     every scenario with tiny sizes against both servers (< 2 min); non-zero exit
#                            if anything is lost or broken; records nothing unless --record
#
# Options: --scenarios=1,2,3,4,5,6,7  --servers=bridge,peer  --jfr (profile bridge A, print the hottest
# frames)  --client-deflate=off (clients do not offer permessage-deflate)  --members (subscribers join
# as participants instead of using a server token)  --replica-acks=N (scenario 3's bridge once more with
# --bridge.redis.replica-acks=N against the run's Redis with N replicas; smoke runs use 1 unless given 0)
# --no-record  --note="what changed"  --out=DIR
# Environment: JAVA_HOME (default: the JDK 25 below), BENCH_BRIDGE_JAVA_OPTS (default -Xmx1g),
# BENCH_BRIDGE_IDLE_JAVA_OPTS (scenario 4, default -Xmx2g), BENCH_BRIDGE_ARGS (extra Spring arguments),
# BENCH_REST_WARMUP (chat messages sent over REST to each server before the scenarios, the second half
# measured as row 0; default 80000), BENCH_BUILD=1 to rebuild the jar first, BENCH_JAR (a bridge jar to run
# instead of target/'s, e.g. a copy that a concurrent build cannot replace during the run).
#
# It starts its own redis-server on a free loopback port (never 6379), the bridge jar with `java -jar`
# and the peer with node, and sends traffic to 127.0.0.1 only. See bench/README.md.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/.." && pwd)"

java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME/bin/java")" -lt 21 ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  fi
fi
: "${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}"
export JAVA_HOME

for tool in node redis-server redis-benchmark; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/run.sh: $tool is required (redis-server and redis-benchmark: apt-get install redis-server)" >&2; exit 2; }
done
if [ ! -d "$bench/node_modules/socket.io" ]; then
  echo "bench/run.sh: installing the load clients and the peer (npm ci in bench/)"
  (cd "$bench" && npm ci --no-audit --no-fund)
fi
jar="$root/target/meeting-bridge-0.1.0-SNAPSHOT.jar"
if [ -n "${BENCH_JAR:-}" ]; then
  [ -f "$BENCH_JAR" ] || { echo "bench/run.sh: BENCH_JAR=$BENCH_JAR does not exist" >&2; exit 2; }
elif [ ! -f "$jar" ] || [ "${BENCH_BUILD:-0}" = 1 ]; then
  echo "bench/run.sh: building the bridge jar"
  (cd "$root" && ./mvnw -B -q -DskipTests package)
fi

# 10,000 sessions need 10,000 descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec node "$bench/lib/main.mjs" "$@"
