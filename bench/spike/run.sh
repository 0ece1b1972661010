#!/usr/bin/env bash
# Transport spike: builds the Java variants, then runs peer, tomcat, jetty, netty-reactive, netty-direct one
# after the other (1,000 sessions, 20 frames/s, 10 s warm-up + 20 s measured) and prints a Markdown table.
# Env knobs (for smoke runs): VARIANTS="peer tomcat ..." CONNS=1000 RATE=20 WARM=10 WINDOW=20 PORT=18431 SKIP_BUILD=1
# The table (and raw JSON lines) also go to last-run.md unless OUT is set to another file.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PORT=${PORT:-18431}
CONNS=${CONNS:-1000}
RATE=${RATE:-20}
WARM=${WARM:-10}
WINDOW=${WINDOW:-20}
VARIANTS=${VARIANTS:-"peer tomcat jetty netty-reactive netty-direct"}
OUT=${OUT:-last-run.md}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m"}
export CLK_TCK=$(getconf CLK_TCK)
ulimit -n 65536 2>/dev/null || true

echo "load average before: $(cat /proc/loadavg)" >&2
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "building..." >&2
  (cd servlet && mvn -q -B package -DskipTests && mvn -q -B -Pjetty package -DskipTests) 2>&1 | grep -vE 'WARNING|^\W*$' >&2 || true
  (cd reactive && mvn -q -B package -DskipTests) 2>&1 | grep -vE 'WARNING|^\W*$' >&2 || true
  ls servlet/target/spike-tomcat.jar servlet/target/spike-jetty.jar reactive/target/spike-reactive.jar >/dev/null
fi

results=$(mktemp)
logdir=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

run_variant() {
  local name=$1 kind=$2; shift 2
  echo "== $name" >&2
  "$@" >"$logdir/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/stats" >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! node load.mjs --kind "$kind" --port "$PORT" --pid "$server_pid" --label "$name" \
      --conns "$CONNS" --rate "$RATE" --warm "$WARM" --window "$WINDOW" >>"$results" 2>"$logdir/$name.load.err"; then
    echo "   $name failed: $(tail -3 "$logdir/$name.load.err")" >&2
    echo "{\"label\":\"$name\",\"failed\":true}" >>"$results"
  fi
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  sleep 2
}

for v in $VARIANTS; do
  case $v in
    peer)           run_variant peer sio env PORT="$PORT" node --expose-gc peer.mjs ;;
    tomcat)         run_variant tomcat ws "$JAVA" $JVM_OPTS -jar servlet/target/spike-tomcat.jar --server.port="$PORT" ;;
    jetty)          run_variant jetty ws "$JAVA" $JVM_OPTS -jar servlet/target/spike-jetty.jar --server.port="$PORT" ;;
    netty-reactive) run_variant netty-reactive ws "$JAVA" $JVM_OPTS -jar reactive/target/spike-reactive.jar --server.port="$PORT" --spike.mode=reactive ;;
    netty-direct)   run_variant netty-direct ws "$JAVA" $JVM_OPTS -jar reactive/target/spike-reactive.jar --server.port="$PORT" --spike.mode=direct ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
done

node table.mjs "$results" | tee "$OUT"
{ echo; echo '<details><summary>raw results (JSON lines)</summary>'; echo; echo '```'; cat "$results"; echo '```'; echo '</details>'; } >>"$OUT"
