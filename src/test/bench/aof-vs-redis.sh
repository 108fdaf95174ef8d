#!/usr/bin/env bash
# SET throughput with the append-only file on (appendonly yes, appendfsync everysec by
# default): our node against a real redis-server on this machine, with the real
# redis-benchmark, interleaved rounds, medians; the AOF sizes the runs leave, with both
# servers' default automatic rewrite (auto-aof-rewrite-percentage 100, min-size 64mb);
# then BGREWRITEAOF of REWRITE_KEYS keys: its time and the longest a PINGing client
# waited meanwhile (pause-probe.py), interleaved rounds, medians. Prints markdown. Builds nothing: run
# `mvn -B package -DskipTests` first. Not part of the test suite; run it on an otherwise
# idle machine (the AOF makes the disk part of the measurement).
#
# Usage: src/test/bench/aof-vs-redis.sh
#
# Environment (defaults in brackets):
#   N [1000000]        requests per redis-benchmark run
#   ROUNDS [3]         interleaved rounds; the table shows the median of the rounds
#   CLIENTS [50]       redis-benchmark -c
#   KEYSPACE [100000]  redis-benchmark -r
#   VALUE_SIZE [64]    redis-benchmark -d
#   FSYNC [everysec]   appendfsync for both servers (always, everysec, no)
#   WARMUP [200000]    unmeasured SETs sent to each server first (0: none)
#   REWRITE_KEYS [1000000]  keys (key:0 .., VALUE_SIZE bytes each) for the BGREWRITEAOF rounds (0: skip them)
#   JAVA [java], JAVA_OPTS [-XX:+UseSerialGC -Xmn64m -XX:PretenureSizeThreshold=1m] (node-vs-redis.sh's flags plus PretenureSizeThreshold, see below)
#   JAR [target/redis-ha-gateway.jar], or NODE_CP: a classpath to run io.redisha.launcher.Main
#     from instead of the jar (e.g. target/classes plus the dependencies, for a quick check)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$(dirname "$0")/../../.."
JAR=${JAR:-target/redis-ha-gateway.jar}
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-100000}
VALUE_SIZE=${VALUE_SIZE:-64}
FSYNC=${FSYNC:-everysec}
WARMUP=${WARMUP:-200000}
REWRITE_KEYS=${REWRITE_KEYS:-1000000}
JAVA=${JAVA:-java}
# PretenureSizeThreshold: the key-table copies a BGSAVE or rewrite makes go straight to the
# old generation, instead of being promoted by a young collection that clients would wait for.
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmn64m -XX:PretenureSizeThreshold=1m}

for tool in redis-server redis-cli redis-benchmark python3 "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "$tool not found (./test.sh installs the redis tools)" >&2; exit 1; }
done
if [[ -n ${NODE_CP:-} ]]; then
  NODE_LAUNCH=(-cp "$NODE_CP" io.redisha.launcher.Main)
else
  [[ -f $JAR ]] || { echo "$JAR not found; build it with: mvn -B package -DskipTests" >&2; exit 1; }
  NODE_LAUNCH=(-jar "$JAR")
fi

WORK=$(mktemp -d -t aof-vs-redis.XXXXXX)
mkdir -p "$WORK/node" "$WORK/redis"
NODE_PID=""
REDIS_PID=""
cleanup() {
  # Only the two servers this script started.
  if [[ -n $NODE_PID ]]; then kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

NODE_PORT=$(free_port)
REDIS_PORT=$(free_port)
while [[ $REDIS_PORT == "$NODE_PORT" ]]; do REDIS_PORT=$(free_port); done

COMMON=(--bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$FSYNC")
# shellcheck disable=SC2086
$JAVA $JAVA_OPTS "${NODE_LAUNCH[@]}" node --port "$NODE_PORT" --dir "$WORK/node" "${COMMON[@]}" >>"$WORK/node.log" 2>&1 &
NODE_PID=$!
redis-server --port "$REDIS_PORT" --dir "$WORK/redis" "${COMMON[@]}" >>"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
await_ping "$NODE_PORT" "$NODE_PID"
await_ping "$REDIS_PORT" "$REDIS_PID"

echo "# node vs redis-server, appendonly yes, appendfsync $FSYNC"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs, $(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), file system of $WORK: $(df -T "$WORK" | awk 'NR==2 {print $2}')"
echo "- redis: $(redis-server --version | head -1)"
echo "- java: $("$JAVA" -version 2>&1 | head -1)"
echo "- $ROUNDS interleaved rounds of \`redis-benchmark -t set -n $N -c $CLIENTS -P {1,16} -r $KEYSPACE -d $VALUE_SIZE\`, medians"
echo

if ((WARMUP > 0)); then
  for port in "$NODE_PORT" "$REDIS_PORT"; do
    redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$WARMUP" -c "$CLIENTS" -P 16 -r "$KEYSPACE" -d "$VALUE_SIZE" -q >/dev/null 2>&1
  done
fi
: >"$WORK/results.csv"
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then order="node redis"; else order="redis node"; fi
  for who in $order; do
    if [[ $who == node ]]; then port=$NODE_PORT; else port=$REDIS_PORT; fi
    for p in 1 16; do
      redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$N" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" -d "$VALUE_SIZE" \
          --csv 2>"$WORK/bench.err" \
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

echo "| test | node rps | redis rps | node/redis | node p99 ms | redis p99 ms |"
echo "|---|---:|---:|---:|---:|---:|"
for p in 1 16; do
  col() { awk -F, -v who="$1" -v p="$p" -v c="$2" '$1==who && $2=="SET" && $3==p {print $c}' "$WORK/results.csv" | median; }
  nr=$(col node 5); rr=$(col redis 5); np=$(col node 6); rp=$(col redis 6)
  printf '| SET P%s | %.0f | %.0f | %s | %.3f | %.3f |\n' "$p" "$nr" "$rr" "$(ratio "$nr" "$rr")" "$np" "$rp"
done
echo
# A rewrite the last run triggered may still be writing: the sizes are of finished files.
for port in "$NODE_PORT" "$REDIS_PORT"; do
  while redis-cli -p "$port" INFO persistence | grep -q '^aof_rewrite_in_progress:1'; do sleep 0.1; done
done
aof_info() { redis-cli -p "$1" INFO persistence | tr -d '\r' | awk -F: -v f="$2" '$1==f {print $2}'; }
echo "AOF sizes after the runs (both with the default automatic rewrite): node $(du -sh "$WORK/node/appendonlydir" | cut -f1)" \
  "after $(aof_info "$NODE_PORT" aof_rewrites) rewrites, redis $(du -sh "$WORK/redis/appendonlydir" | cut -f1)" \
  "after $(aof_info "$REDIS_PORT" aof_rewrites) rewrites."
echo
echo "Raw results (who,test,pipeline,round,rps,p99_ms):"
echo
echo '```'
cat "$WORK/results.csv"
echo '```'

((REWRITE_KEYS > 0)) || exit 0
echo
echo "## BGREWRITEAOF of $REWRITE_KEYS keys ($VALUE_SIZE-byte values), $ROUNDS interleaved rounds, medians"
echo
write_sets "$REWRITE_KEYS" "$VALUE_SIZE" "$WORK/load.resp"
for who in node redis; do
  if [[ $who == node ]]; then port=$NODE_PORT; else port=$REDIS_PORT; fi
  redis-cli -p "$port" FLUSHALL >/dev/null
  out=$(redis-cli -p "$port" --pipe <"$WORK/load.resp" 2>&1)
  grep -q "errors: 0, replies: $REWRITE_KEYS" <<<"$out" || { echo "loading $who failed: $out" >&2; exit 1; }
  while redis-cli -p "$port" INFO persistence | grep -q '^aof_rewrite_in_progress:1'; do sleep 0.1; done
done
echo "who,round,rewrite_ms,max_ping_ms,pings" >"$WORK/rewrites.csv"
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then order="node redis"; else order="redis node"; fi
  for who in $order; do
    if [[ $who == node ]]; then port=$NODE_PORT; else port=$REDIS_PORT; fi
    read -r ms pause pings < <(measure_background "$port" BGREWRITEAOF aof_rewrite_in_progress)
    [[ $(aof_info "$port" aof_last_bgrewrite_status) == ok ]] || { echo "BGREWRITEAOF failed on $who" >&2; exit 1; }
    echo "$who,$round,$ms,$pause,$pings" >>"$WORK/rewrites.csv"
  done
done
rcol() { awk -F, -v who="$1" -v c="$2" '$1==who {print $c}' "$WORK/rewrites.csv" | median; }
echo "| measure (median) | node | redis-server | node / redis |"
echo "|---|---:|---:|---:|"
for m in "3:BGREWRITEAOF time (ms)" "4:longest PING during it (ms)"; do
  c=${m%%:*}
  n=$(rcol node "$c"); r=$(rcol redis "$c")
  echo "| ${m#*:} | $n | $r | $(ratio "$n" "$r") |"
done
echo
echo '```'
cat "$WORK/rewrites.csv"
echo '```'
