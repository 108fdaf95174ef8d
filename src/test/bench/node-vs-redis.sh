#!/usr/bin/env bash
# Benchmarks our node against a real redis-server on this machine, with the real
# redis-benchmark, and prints markdown. Builds nothing: run `mvn -B package -DskipTests`
# first. Not part of the test suite; run it on an otherwise idle machine.
#
# Usage: src/test/bench/node-vs-redis.sh [throughput|memory|all]   (default: all)
#
# Environment (defaults in brackets):
#   N [1000000]       requests per redis-benchmark run
#   ROUNDS [3]        interleaved rounds; the table shows the median of the rounds
#   CLIENTS [50]      redis-benchmark -c
#   KEYSPACE [100000] redis-benchmark -r (random keys per run)
#   VALUE_SIZE [64]   redis-benchmark -d, and the value size in memory mode
#   KEYS [1000000]    keys loaded in memory mode (exactly that many: key:0 .. key:KEYS-1)
#   WARMUP [200000]   unmeasured SET/GET requests sent to each server first, so the
#                     node's JIT has compiled its hot path before the rounds (0: none)
#   JAVA [java]       the java binary
#   JAVA_OPTS         JVM flags for our node, default:
#       -XX:+UseSerialGC -Xmn64m
#     Why: the node runs its commands on one event-loop thread, so a single-threaded
#     collector does not take cores from it or from redis-benchmark on a small box, and
#     it returns memory it does not need, so the RSS follows the live data. A 64 MB young
#     generation keeps young pauses short and rare at these rates; a tighter heap
#     (-Xms64m with low free ratios) was tried and caused frequent 40 ms full GCs.
#     The README recommends the same flags for production nodes. Set JAVA_OPTS to compare.
#   JAR [target/redis-ha-gateway.jar]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODE=${1:-all}
case "$MODE" in throughput|memory|all) ;; *) echo "usage: $0 [throughput|memory|all]" >&2; exit 2 ;; esac

cd "$(dirname "$0")/../../.."
JAR=${JAR:-target/redis-ha-gateway.jar}
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-100000}
VALUE_SIZE=${VALUE_SIZE:-64}
KEYS=${KEYS:-1000000}
WARMUP=${WARMUP:-200000}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmn64m}

for tool in redis-server redis-cli redis-benchmark "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "$tool not found (./test.sh installs the redis tools)" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "$JAR not found; build it with: mvn -B package -DskipTests" >&2; exit 1; }

WORK=$(mktemp -d -t node-vs-redis.XXXXXX)
NODE_PID=""
REDIS_PID=""
stop_servers() {
  # Only the two servers this script started.
  if [[ -n $NODE_PID ]]; then kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  NODE_PID=""
  REDIS_PID=""
}
cleanup() {
  stop_servers
  rm -rf "$WORK"
}
trap cleanup EXIT

NODE_PORT=$(free_port)
REDIS_PORT=$(free_port)
while [[ $REDIS_PORT == "$NODE_PORT" ]]; do REDIS_PORT=$(free_port); done

# Same settings for both: loopback only, no persistence.
NODE_CMD="$JAVA $JAVA_OPTS -jar $JAR node --port $NODE_PORT --bind 127.0.0.1 --save \"\" --appendonly no --dir $WORK"
REDIS_CMD="redis-server --port $REDIS_PORT --bind 127.0.0.1 --save \"\" --appendonly no --dir $WORK"

# Each mode gets freshly started servers, so the memory figures owe nothing to the throughput runs.
start_servers() {
  # shellcheck disable=SC2086
  $JAVA $JAVA_OPTS -jar "$JAR" node --port "$NODE_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
    >>"$WORK/node.log" 2>&1 &
  NODE_PID=$!
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
    >>"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  await_ping "$NODE_PORT" "$NODE_PID"
  await_ping "$REDIS_PORT" "$REDIS_PID"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

echo "# node vs redis-server"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
echo "- redis: $(redis-server --version | head -1)"
echo "- java: $("$JAVA" -version 2>&1 | head -1)"
echo "- node:  \`$NODE_CMD\`"
echo "- redis: \`$REDIS_CMD\`"
echo

if [[ $MODE == throughput || $MODE == all ]]; then
  BENCH="redis-benchmark -h 127.0.0.1 -p PORT -t set,get -n $N -c $CLIENTS -P PIPELINE -r $KEYSPACE -d $VALUE_SIZE --csv"
  echo "## Throughput"
  echo
  echo "$ROUNDS interleaved rounds (node first in odd rounds, redis first in even ones), each running"
  echo "\`$BENCH\`"
  echo "with PIPELINE 1 and 16; medians over the rounds. Before the rounds, $WARMUP unmeasured"
  echo "requests (pipelines 1 and 16) warm each server up."
  echo
  start_servers
  if ((WARMUP > 0)); then
    for port in "$NODE_PORT" "$REDIS_PORT"; do
      for p in 1 16; do
        redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -n "$WARMUP" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" \
          -d "$VALUE_SIZE" -q >/dev/null 2>&1
      done
    done
  fi
  : >"$WORK/results.csv"
  for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then order="node redis"; else order="redis node"; fi
    for who in $order; do
      if [[ $who == node ]]; then port=$NODE_PORT; else port=$REDIS_PORT; fi
      for p in 1 16; do
        redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -n "$N" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" \
            -d "$VALUE_SIZE" --csv 2>"$WORK/bench.err" \
          | awk -F, -v who="$who" -v p="$p" -v round="$round" \
              'NR > 1 {gsub(/"/, ""); print who "," $1 "," p "," round "," $2 "," $7}' >>"$WORK/results.csv"
        if grep -q 'Error' "$WORK/bench.err"; then
          echo "redis-benchmark reported errors against $who:" >&2
          cat "$WORK/bench.err" >&2
          exit 1
        fi
      done
    done
  done
  echo "| test | node rps | redis rps | node/redis | node p99 ms | redis p99 ms | p99 node/redis |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for t in SET GET; do
    for p in 1 16; do
      col() { awk -F, -v who="$1" -v t="$t" -v p="$p" -v c="$2" '$1==who && $2==t && $3==p {print $c}' "$WORK/results.csv" | median; }
      nr=$(col node 5); rr=$(col redis 5); np=$(col node 6); rp=$(col redis 6)
      printf '| %s P%s | %.0f | %.0f | %s | %.3f | %.3f | %s |\n' "$t" "$p" "$nr" "$rr" "$(ratio "$nr" "$rr")" \
        "$np" "$rp" "$(ratio "$np" "$rp")"
    done
  done
  echo
  echo "Raw results (who,test,pipeline,round,rps,p99_ms):"
  echo
  echo '```'
  cat "$WORK/results.csv"
  echo '```'
  echo
  stop_servers
fi

if [[ $MODE == memory || $MODE == all ]]; then
  echo "## Memory"
  echo
  start_servers
  write_sets "$KEYS" "$VALUE_SIZE" "$WORK/load.resp"
  echo "Loaded with \`redis-cli -p PORT --pipe < load.resp\`: $KEYS SETs of key:0 .. key:$((KEYS - 1)), $VALUE_SIZE-byte values."
  echo
  node_before=$(rss_kb "$NODE_PID"); redis_before=$(rss_kb "$REDIS_PID")
  for who in node redis; do
    if [[ $who == node ]]; then port=$NODE_PORT; else port=$REDIS_PORT; fi
    out=$(redis-cli -p "$port" --pipe <"$WORK/load.resp" 2>&1)
    if ! grep -q "errors: 0, replies: $KEYS" <<<"$out"; then
      echo "loading $who failed: $out" >&2
      exit 1
    fi
    size=$(redis-cli -p "$port" DBSIZE)
    [[ $size == "$KEYS" ]] || { echo "$who has $size keys after loading $KEYS" >&2; exit 1; }
  done
  sleep 2
  node_rss=$(rss_kb "$NODE_PID"); redis_rss=$(rss_kb "$REDIS_PID")
  echo "| | node | redis | node/redis |"
  echo "|---|---:|---:|---:|"
  printf '| RSS before loading (MiB) | %.1f | %.1f | %s |\n' "$(awk -v k="$node_before" 'BEGIN{print k/1024}')" \
    "$(awk -v k="$redis_before" 'BEGIN{print k/1024}')" "$(ratio "$node_before" "$redis_before")"
  printf '| RSS with %d keys (MiB) | %.1f | %.1f | %s |\n' "$KEYS" "$(awk -v k="$node_rss" 'BEGIN{print k/1024}')" \
    "$(awk -v k="$redis_rss" 'BEGIN{print k/1024}')" "$(ratio "$node_rss" "$redis_rss")"
  if command -v jcmd >/dev/null; then
    # A full collection shows the live footprint rather than garbage not yet collected;
    # the heap shrinks only down to MaxHeapFreeRatio, as configured above.
    jcmd "$NODE_PID" GC.run >/dev/null 2>&1 || true
    sleep 2
    node_gc=$(rss_kb "$NODE_PID")
    printf '| RSS after a full GC of the node (MiB) | %.1f | %.1f | %s |\n' "$(awk -v k="$node_gc" 'BEGIN{print k/1024}')" \
      "$(awk -v k="$redis_rss" 'BEGIN{print k/1024}')" "$(ratio "$node_gc" "$redis_rss")"
  fi
  echo
  echo "RSS is VmRSS from /proc/PID/status. redis used_memory: $(redis-cli -p "$REDIS_PORT" INFO memory | awk -F: '/^used_memory:/ {printf "%.1f MiB", $2/1048576}' | tr -d '\r')."
fi
