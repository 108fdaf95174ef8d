#!/usr/bin/env bash
# RDB persistence of our node against a real redis-server 7.0 on this machine: the time
# and the file size of a BGSAVE of KEYS keys, and the time to load that dump at start.
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
#   JAVA_OPTS [-XX:+UseSerialGC -Xmn64m]   the node's JVM flags (as node-vs-redis.sh)
#   JAR [target/redis-ha-gateway.jar]
#
# What is measured:
#   bgsave ms  from sending BGSAVE until INFO says rdb_bgsave_in_progress:0 (polled every
#              10 ms), with rdb_last_bgsave_status:ok checked
#   load ms    the server's own "DB loaded from disk: X seconds" log line (both print one)
#   ready ms   from starting the process on the dump until it answers PING (includes the
#              JVM's start-up for the node, and the fork-free exec of redis-server)
set -euo pipefail

cd "$(dirname "$0")/../../.."
JAR=${JAR:-target/redis-ha-gateway.jar}
KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-64}
ROUNDS=${ROUNDS:-3}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmn64m}

for tool in redis-server redis-cli "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "$JAR not found; build it with: mvn -B package -DskipTests" >&2; exit 1; }

WORK=$(mktemp -d -t persistence-vs-redis.XXXXXX)
PID=""
stop_server() {
  # Only the server this script started.
  if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

now_ms() { date +%s%3N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0==0) print "n/a"; else printf "%.2f", a/b}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

await_ping() {
  local port=$1 deadline=$(( $(date +%s) + 300 ))
  until [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]]; do
    kill -0 "$PID" 2>/dev/null || { echo "server on $port exited; log:" >&2; cat "$WORK"/*.log >&2; exit 1; }
    (( $(date +%s) < deadline )) || { echo "server on $port never answered" >&2; exit 1; }
    sleep 0.005
  done
}

# start WHO DIR PORT: our node or redis-server on DIR/dump.rdb (loaded if present), no save rules.
start() {
  local who=$1 dir=$2 port=$3
  if [[ $who == node ]]; then
    # shellcheck disable=SC2086
    "$JAVA" $JAVA_OPTS -jar "$JAR" node --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" \
      --logfile "$dir/server.log" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
      --logfile "$dir/server.log" &
  fi
  PID=$!
}

awk -v n="$KEYS" -v size="$VALUE_SIZE" 'BEGIN {
    v = sprintf("%0" size "d", 0); gsub(/0/, "v", v)
    for (i = 0; i < n; i++) {
      k = "key:" i
      printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v
    }
  }' >"$WORK/load.resp"

echo "## RDB persistence: node vs redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2)"
echo
echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $KEYS keys (key:0 .. key:$((KEYS - 1))), $VALUE_SIZE-byte values; $ROUNDS interleaved rounds, medians; node JVM: $JAVA_OPTS"
echo

echo "who,round,bgsave_ms,bytes,load_ms,ready_ms" >"$WORK/results.csv"
for round in $(seq 1 "$ROUNDS"); do
  for who in node redis; do
    dir="$WORK/$who-$round"
    mkdir -p "$dir"
    port=$(free_port)
    start "$who" "$dir" "$port"
    await_ping "$port"
    out=$(redis-cli -p "$port" --pipe <"$WORK/load.resp" 2>&1)
    grep -q "errors: 0, replies: $KEYS" <<<"$out" || { echo "loading $who failed: $out" >&2; exit 1; }
    t0=$(now_ms)
    [[ $(redis-cli -p "$port" BGSAVE) == "Background saving started" ]] || { echo "BGSAVE refused by $who" >&2; exit 1; }
    while redis-cli -p "$port" INFO persistence | grep -q '^rdb_bgsave_in_progress:1'; do sleep 0.01; done
    t1=$(now_ms)
    redis-cli -p "$port" INFO persistence | grep -q '^rdb_last_bgsave_status:ok' || { echo "BGSAVE failed on $who" >&2; exit 1; }
    bytes=$(stat -c %s "$dir/dump.rdb")
    redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
    wait "$PID" 2>/dev/null || true
    PID=""
    : >"$dir/server.log"
    port=$(free_port)
    t2=$(now_ms)
    start "$who" "$dir" "$port"
    await_ping "$port"
    t3=$(now_ms)
    load_ms=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$dir/server.log" | awk '{printf "%d", $5 * 1000}')
    [[ $(redis-cli -p "$port" DBSIZE) == "$KEYS" ]] || { echo "$who loaded a wrong number of keys" >&2; exit 1; }
    stop_server
    echo "$who,$round,$((t1 - t0)),$bytes,${load_ms:-nan},$((t3 - t2))" >>"$WORK/results.csv"
    rm -f "$dir/dump.rdb"
  done
done

col() { awk -F, -v who="$1" -v c="$2" '$1==who {print $c}' "$WORK/results.csv" | median; }
echo "| measure (median) | node | redis-server | node / redis |"
echo "|---|---|---|---|"
for m in "3:BGSAVE time (ms)" "4:dump size (bytes)" "5:load time, own log (ms)" "6:start to first PONG on the dump (ms)"; do
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
