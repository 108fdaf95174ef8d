#!/usr/bin/env bash
# RDB persistence of our node against a real redis-server 7.0 on this machine: the time
# and the file size of a BGSAVE of KEYS keys, the time of a BGREWRITEAOF of them, the
# longest a client waited for a reply during each, and the time to load the dump at start.
# Rounds are interleaved (node, redis, node, redis...) so a drift in the machine's load
# hits both alike; the table shows medians. Builds nothing: run `mvn -B package
# -DskipTests` first. Not part of the test suite; run it on an otherwise idle machine.
#
# Usage: src/test/bench/persistence-vs-redis.sh
#
# Environment (defaults in brackets):
#   KEYS [1000000]     string keys key:0 .. key:KEYS-1
#   VALUE_SIZE [64]    bytes per value
#   ROUNDS [3]         interleaved rounds
#   JAVA [java]        the java binary
#   JAVA_OPTS [-XX:+UseSerialGC -Xmn64m -XX:PretenureSizeThreshold=1m]   the node's JVM flags
#   JAR [target/redis-ha-gateway.jar], or NODE_CP: a classpath to run io.redisha.launcher.Main
#     from instead of the jar (as in aof-vs-redis.sh)
#
# What is measured:
#   bgsave ms  from sending BGSAVE until INFO says rdb_bgsave_in_progress:0 (polled every
#              10 ms), with rdb_last_bgsave_status:ok checked
#   rewrite ms the same for BGREWRITEAOF (appendonly no: the AOF directory gets a base
#              and a manifest) and aof_rewrite_in_progress, aof_last_bgrewrite_status:ok
#   pause ms   the longest PING of a client PINGing 1 ms apart during the BGSAVE or the
#              rewrite (pause-probe.py): our event loop's copy and walk steps and GC
#              pauses, redis-server's fork
#   load ms    the server's own "DB loaded from disk: X seconds" log line (both print one)
#   ready ms   from starting the process on the dump until it answers PING (includes the
#              JVM's start-up for the node, and the fork-free exec of redis-server)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$(dirname "$0")/../../.."
JAR=${JAR:-target/redis-ha-gateway.jar}
KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-64}
ROUNDS=${ROUNDS:-3}
JAVA=${JAVA:-java}
# PretenureSizeThreshold: the key-table copies a BGSAVE or rewrite makes go straight to the
# old generation, instead of being promoted by a young collection that clients would wait for.
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmn64m -XX:PretenureSizeThreshold=1m}

for tool in redis-server redis-cli python3 "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
if [[ -n ${NODE_CP:-} ]]; then
  NODE_LAUNCH=(-cp "$NODE_CP" io.redisha.launcher.Main)
else
  [[ -f $JAR ]] || { echo "$JAR not found; build it with: mvn -B package -DskipTests" >&2; exit 1; }
  NODE_LAUNCH=(-jar "$JAR")
fi

WORK=$(mktemp -d -t persistence-vs-redis.XXXXXX)
PID=""
stop_server() {
  # Only the server this script started.
  if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

now_ms() { date +%s%3N; }

# Unlike lib.sh's await_ping (100 ms steps), polls every 5 ms: the wait is the "ready" measurement.
await_first_pong() {
  local port=$1 deadline=$(( $(date +%s) + 300 ))
  until [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]]; do
    kill -0 "$PID" 2>/dev/null || { echo "server on $port exited; log:" >&2; cat "$WORK"/*/server.log >&2; exit 1; }
    (( $(date +%s) < deadline )) || { echo "server on $port never answered" >&2; exit 1; }
    sleep 0.005
  done
}

# start WHO DIR PORT: our node or redis-server on DIR/dump.rdb (loaded if present), no save rules.
start() {
  local who=$1 dir=$2 port=$3
  if [[ $who == node ]]; then
    # shellcheck disable=SC2086
    "$JAVA" $JAVA_OPTS "${NODE_LAUNCH[@]}" node --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" \
      --logfile "$dir/server.log" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
      --logfile "$dir/server.log" &
  fi
  PID=$!
}

write_sets "$KEYS" "$VALUE_SIZE" "$WORK/load.resp"

echo "## RDB persistence: node vs redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2)"
echo
echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $KEYS keys (key:0 .. key:$((KEYS - 1))), $VALUE_SIZE-byte values; $ROUNDS interleaved rounds, medians; node JVM: $JAVA_OPTS"
echo

echo "who,round,bgsave_ms,bytes,load_ms,ready_ms,bgsave_pause_ms,rewrite_ms,rewrite_pause_ms" >"$WORK/results.csv"
for round in $(seq 1 "$ROUNDS"); do
  for who in node redis; do
    dir="$WORK/$who-$round"
    mkdir -p "$dir"
    port=$(free_port)
    start "$who" "$dir" "$port"
    await_ping "$port" "$PID"
    out=$(redis-cli -p "$port" --pipe <"$WORK/load.resp" 2>&1)
    grep -q "errors: 0, replies: $KEYS" <<<"$out" || { echo "loading $who failed: $out" >&2; exit 1; }
    read -r bgsave_ms bgsave_pause _ < <(measure_background "$port" BGSAVE rdb_bgsave_in_progress)
    redis-cli -p "$port" INFO persistence | grep -q '^rdb_last_bgsave_status:ok' || { echo "BGSAVE failed on $who" >&2; exit 1; }
    bytes=$(stat -c %s "$dir/dump.rdb")
    read -r rewrite_ms rewrite_pause _ < <(measure_background "$port" BGREWRITEAOF aof_rewrite_in_progress)
    redis-cli -p "$port" INFO persistence | grep -q '^aof_last_bgrewrite_status:ok' || { echo "BGREWRITEAOF failed on $who" >&2; exit 1; }
    redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
    wait "$PID" 2>/dev/null || true
    PID=""
    : >"$dir/server.log"
    port=$(free_port)
    t2=$(now_ms)
    start "$who" "$dir" "$port"
    await_first_pong "$port"
    t3=$(now_ms)
    load_ms=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$dir/server.log" | awk '{printf "%d", $5 * 1000}')
    [[ $(redis-cli -p "$port" DBSIZE) == "$KEYS" ]] || { echo "$who loaded a wrong number of keys" >&2; exit 1; }
    stop_server
    echo "$who,$round,$bgsave_ms,$bytes,${load_ms:-nan},$((t3 - t2)),$bgsave_pause,$rewrite_ms,$rewrite_pause" >>"$WORK/results.csv"
    rm -rf "$dir/dump.rdb" "$dir/appendonlydir"
  done
done

col() { awk -F, -v who="$1" -v c="$2" '$1==who {print $c}' "$WORK/results.csv" | median; }
echo "| measure (median) | node | redis-server | node / redis |"
echo "|---|---|---|---|"
for m in "3:BGSAVE time (ms)" "7:longest PING during BGSAVE (ms)" "8:BGREWRITEAOF time (ms)" \
    "9:longest PING during BGREWRITEAOF (ms)" "4:dump size (bytes)" "5:load time, own log (ms)" \
    "6:start to first PONG on the dump (ms)"; do
  c=${m%%:*}
  n=$(col node "$c"); r=$(col redis "$c")
  echo "| ${m#*:} | $n | $r | $(ratio "$n" "$r") |"
done
echo
echo "Raw results:"
echo
echo '```'
cat "$WORK/results.csv"
echo '```'
