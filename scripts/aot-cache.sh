#!/usr/bin/env bash
# Trains the JVM's ahead-of-time cache (JDK 25+) for the extracted application: starts a redis-server
# of its own and the bridge with -XX:AOTCacheOutput, sends it the REST workload of scripts/aot-train.mjs,
# stops it, and leaves the cache file. A bridge started with -XX:AOTCache=<file> then starts with its
# classes loaded and linked and its request path's method profiles known, so it reaches its warm cost
# per request sooner. The cache fits only this application build and this JVM build; a JVM given a cache
# that does not fit says so and runs without it.
#
#   java -Djarmode=tools -jar target/meeting-bridge-*.jar extract --destination /tmp/app
#   scripts/aot-cache.sh /tmp/app /tmp/app/meeting-bridge.aot [seconds of training, default 40]
#   java -XX:AOTCache=/tmp/app/meeting-bridge.aot -jar /tmp/app/meeting-bridge-*.jar
#
# Needs java (JAVA_HOME or PATH), node 20+ and redis-server; uses loopback ports chosen free.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app_dir=${1:?usage: aot-cache.sh APP_DIR OUTPUT [SECONDS]}
output=${2:?usage: aot-cache.sh APP_DIR OUTPUT [SECONDS]}
seconds=${3:-40}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=$(ls "$app_dir"/meeting-bridge*.jar 2>/dev/null | head -1)
[ -n "$jar" ] || { echo "aot-cache: no meeting-bridge*.jar in $app_dir (extract the jar first)" >&2; exit 2; }

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
redis_port=$(free_port)
bridge_port=$(free_port)
log=$(mktemp)
redis_pid=""
bridge_pid=""
cleanup() {
  [ -z "$bridge_pid" ] || kill -9 "$bridge_pid" 2>/dev/null || true
  [ -z "$redis_pid" ] || kill "$redis_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
redis_pid=$!
BRIDGE_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export BRIDGE_JWT_SECRET
rm -f "$output"
# The training instance runs as a deployment would (default configuration), with the chat limit raised so
# that the training loops are never throttled and the logs kept to warnings.
"$java" -XX:AOTCacheOutput="$output" ${AOT_TRAIN_JAVA_OPTS:-} -jar "$jar" \
  --server.port="$bridge_port" --server.address=127.0.0.1 \
  --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$redis_port" \
  --bridge.chat.rate-per-second=100000 --bridge.chat.burst=100000 \
  --logging.level.root=WARN >"$log" 2>&1 &
bridge_pid=$!

base="http://127.0.0.1:$bridge_port"
for _ in $(seq 1 240); do
  if node -e "fetch('$base/actuator/health/readiness').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    break
  fi
  if ! kill -0 "$bridge_pid" 2>/dev/null; then
    echo "aot-cache: the training instance exited before it was ready:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "aot-cache: training for ${seconds} s against $base"
node "$here/aot-train.mjs" --base "$base" --seconds "$seconds"

# The JVM writes the cache as it exits: stop the instance gracefully and wait for it.
kill -TERM "$bridge_pid"
status=0
wait "$bridge_pid" || status=$?
bridge_pid=""
if [ ! -s "$output" ]; then
  echo "aot-cache: no cache written (the instance exited with $status):" >&2
  tail -40 "$log" >&2
  exit 1
fi
grep -i "aot" "$log" | grep -vi "warning: .*skipping" | tail -5 || true
echo "aot-cache: wrote $output ($(du -h "$output" | cut -f1))"
