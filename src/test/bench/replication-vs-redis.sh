#!/usr/bin/env bash
# Replication of our node against a real redis-server 7.0 on this machine, side by side.
# Each "who" is a homogeneous setup: our master with our replicas, or redis-server with
# redis-server replicas. Builds nothing: run `mvn -B package -DskipTests` first. Not part
# of the test suite; run it on an otherwise idle machine.
#
# Usage: src/test/bench/replication-vs-redis.sh
#
# The two setups run ROUNDS times, interleaved (node then redis, then redis then node, ...),
# so a drift of the machine's speed hits both alike; the table shows each round, then the
# medians and the ratios node/redis (for rps, higher is better; for the rest, lower).
#
# Environment (defaults in brackets):
#   ROUNDS [3]          interleaved rounds
#   DISKLESS [yes]      repl-diskless-sync on both masters (no: the payload goes through a file)
#   KEYS [1000000]      string keys in the master before the full sync
#   VALUE_SIZE [64]     bytes per value
#   REQUESTS [200000]   redis-benchmark SETs per throughput run and during the lag probe
#   CLIENTS [50]        redis-benchmark connections
#   PROBES [500]        write-to-visible probes during the load
#   WARMUP [300000]     SETs sent before each measurement, to both servers alike, and as many GETs
#                       to the probed replica once both replicas are in (a JVM compiles its hot
#                       paths in the first seconds; redis-server gains nothing from it). With
#                       100000 SETs and no GETs, the node's C2 compiler threads still ran 0.35-0.66 s
#                       per JVM during the lag probe's load (per-thread schedstat, JFR compilations),
#                       on 2 cores shared by 3 JVMs and the load: the probed replica recompiled
#                       its read path at the probe's first GETs
#   JAVA [java]  JAVA_OPTS [the README's: -XX:+UseSerialGC -Xmn64m -XX:PretenureSizeThreshold=1m]
#   JAR [target/redis-ha-gateway.jar]
#
# What is measured:
#   sync ms     from REPLICAOF on an empty replica until its INFO says master_link_status:up
#               (the master holds KEYS keys; both masters make the payload from a snapshot, with
#               repl-diskless-sync-delay 0, and send it as DISKLESS says)
#   lag p50/p99 under a redis-benchmark SET load on the master: a probe client SETs a fresh
#               key on the master and polls the replica until it reads it (ms)
#   offset lag  the median of master_repl_offset minus the replica's, sampled during the load
#   rps 0/2     redis-benchmark SET requests per second on the master with 0 and 2 replicas
set -euo pipefail

cd "$(dirname "$0")/../../.."
JAR=${JAR:-target/redis-ha-gateway.jar}
ROUNDS=${ROUNDS:-3}
DISKLESS=${DISKLESS:-yes}
KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-64}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
PROBES=${PROBES:-500}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmn64m -XX:PretenureSizeThreshold=1m}
WARMUP=${WARMUP:-300000}

for tool in redis-server redis-cli redis-benchmark python3 "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "$JAR not found; build it with: mvn -B package -DskipTests" >&2; exit 1; }

WORK=$(mktemp -d -t replication-vs-redis.XXXXXX)
PIDS=()
stop_all() {
  # Only the servers this script started.
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

# shellcheck source=lib.sh
source src/test/bench/lib.sh
now_ms() { date +%s%3N; }
field() { redis-cli -p "$1" INFO replication | tr -d '\r' | awk -F: -v f="$2" '$1==f {print $2}'; }

await_link() {
  local port=$1 deadline=$(( $(date +%s) + 600 ))
  until [[ $(field "$port" master_link_status) == up ]]; do
    (( $(date +%s) < deadline )) || { echo "replica on $port never synced; logs in $WORK" >&2; exit 1; }
    sleep 0.01
  done
}

# start WHO PORT: our node or redis-server, empty, no persistence, the same replication settings.
start() {
  local who=$1 port=$2 dir="$WORK/$1-$2"
  mkdir -p "$dir"
  # No diskless-sync delay: both would otherwise wait 5 s for more replicas before each full sync.
  local repl=(--repl-diskless-sync "$DISKLESS" --repl-diskless-sync-delay 0)
  if [[ $who == node ]]; then
    # shellcheck disable=SC2086
    "$JAVA" $JAVA_OPTS -jar "$JAR" node --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" \
      "${repl[@]}" --logfile "$dir/server.log" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
      "${repl[@]}" --logfile "$dir/server.log" &
  fi
  PIDS+=($!)
  await_ping "$port" "$!"
}

# warm_up PORT [TEST]: WARMUP requests of redis-benchmark's TEST (set unless told).
warm_up() {
  (( WARMUP > 0 )) || return 0
  redis-benchmark -p "$1" -t "${2:-set}" -n "$WARMUP" -c "$CLIENTS" -d "$VALUE_SIZE" -r 100000 -q >/dev/null 2>&1
}

rps() {
  redis-benchmark -p "$1" -t set -n "$REQUESTS" -c "$CLIENTS" -d "$VALUE_SIZE" -r 100000 -q 2>/dev/null \
    | tr '\r' '\n' | awk '/requests per second/ {v=$2} END {printf "%d", v}'
}

# probe MASTER REPLICA: write-to-visible latency p50/p99 (ms) and the median offset lag.
cat >"$WORK/probe.py" <<'PY'
import socket, sys, time, statistics
mport, rport, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def conn(p):
    s = socket.create_connection(("127.0.0.1", p)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s, s.makefile("rb")
def call(c, *args):
    s, f = c
    s.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args]))
    line = f.readline()
    if line[:1] == b"$":
        ln = int(line[1:])
        if ln < 0: return None
        data = f.read(ln + 2); return data[:-2]
    return line
def offset(c, name):
    info = call(c, b"INFO", b"replication").decode()
    for l in info.split("\r\n"):
        if l.startswith(name + ":"): return int(l.split(":")[1])
m, r = conn(mport), conn(rport)
lat, lags = [], []
for i in range(n):
    key = b"probe:%d" % i
    t0 = time.perf_counter()
    call(m, b"SET", key, b"x")
    while call(r, b"GET", key) is None: pass
    lat.append((time.perf_counter() - t0) * 1000)
    if i % 10 == 0:
        # The replica first: the master can only be further ahead when asked second, never behind.
        ro = offset(r, "master_repl_offset")
        lags.append(offset(m, "master_repl_offset") - ro)
lat.sort()
print("%.2f %.2f %d" % (lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))], statistics.median(lags)))
PY

write_sets "$KEYS" "$VALUE_SIZE" "$WORK/load.resp"

echo "## Replication: node vs redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2)"
echo
echo "- machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $KEYS keys of $VALUE_SIZE bytes for the full sync (repl-diskless-sync $DISKLESS); redis-benchmark SET -n $REQUESTS -c $CLIENTS; $PROBES probes; $ROUNDS interleaved rounds; $WARMUP warm-up SETs before each measurement (and GETs on the probed replica); node JVM: $JAVA_OPTS"
echo
echo "| | round | full sync ms | lag p50 ms | lag p99 ms | offset lag (bytes) | master SET rps, 0 replicas | 2 replicas |"
echo "|---|---|---|---|---|---|---|---|"

# One round of WHO; appends "sync p50 p99 offlag rps0 rps2" to $WORK/WHO.results.
measure() {
  local who=$1 round=$2 mp r1 r2 out t0 sync_ms bench p50 p99 offlag rps0 rps2
  mp=$(free_port); start "$who" "$mp"
  warm_up "$mp"
  rps0=$(rps "$mp")
  redis-cli -p "$mp" FLUSHALL >/dev/null
  out=$(redis-cli -p "$mp" --pipe <"$WORK/load.resp" 2>&1)
  grep -q "errors: 0, replies: $KEYS" <<<"$out" || { echo "loading $who failed: $out" >&2; exit 1; }
  r1=$(free_port); start "$who" "$r1"
  t0=$(now_ms)
  redis-cli -p "$r1" REPLICAOF 127.0.0.1 "$mp" >/dev/null
  await_link "$r1"
  sync_ms=$(( $(now_ms) - t0 ))
  [[ $(redis-cli -p "$r1" DBSIZE) == "$KEYS" ]] || { echo "$who replica has a wrong number of keys" >&2; exit 1; }
  r2=$(free_port); start "$who" "$r2"
  redis-cli -p "$r2" REPLICAOF 127.0.0.1 "$mp" >/dev/null
  await_link "$r2"
  # The replicas have loaded a payload but not applied a stream yet, and the probed one has
  # served no reads.
  warm_up "$mp"
  warm_up "$r1" get
  redis-benchmark -p "$mp" -t set -n "$REQUESTS" -c "$CLIENTS" -d "$VALUE_SIZE" -r 100000 -q >/dev/null 2>&1 &
  bench=$!
  read -r p50 p99 offlag < <(python3 "$WORK/probe.py" "$mp" "$r1" "$PROBES")
  wait "$bench" || true
  rps2=$(rps "$mp")
  echo "| $who | $round | $sync_ms | $p50 | $p99 | $offlag | $rps0 | $rps2 |"
  echo "$sync_ms $p50 $p99 $offlag $rps0 $rps2" >>"$WORK/$who.results"
  stop_all
}

for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order=(node redis); else order=(redis node); fi
  for who in "${order[@]}"; do measure "$who" "$round"; done
done

col() { awk -v c="$2" '{print $c}' "$WORK/$1.results" | median; }
declare -A med
for who in node redis; do
  row="| $who | median"
  for c in 1 2 3 4 5 6; do
    med[$who,$c]=$(col "$who" "$c")
    row+=" | ${med[$who,$c]}"
  done
  echo "$row |"
done
row="| node/redis | ratio"
for c in 1 2 3 4 5 6; do row+=" | $(ratio "${med[node,$c]}" "${med[redis,$c]}")"; done
echo "$row |"
