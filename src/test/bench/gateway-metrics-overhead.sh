#!/usr/bin/env bash
# What the gateway's metrics cost: one redis-server behind two gateways from the same jar,
# one with metrics-port (scraped after each of its runs, as Prometheus would) and one
# without, measured in interleaved rounds (the order flips every round, so drift of the
# machine falls on both alike) with redis-benchmark SET and GET at -P 1 and -P 16, -c 50.
# Prints per mode the median requests per second on and off and their ratio (target
# >= 0.95), and the gateway process's CPU time per request (utime + stime from
# /proc/<pid>/stat around each run), which is far less sensitive to other load on the
# machine than throughput is.
#
# Usage: src/test/bench/gateway-metrics-overhead.sh [requests-per-run (200000)] [rounds (5)]
# A smoke run: src/test/bench/gateway-metrics-overhead.sh 20000 1
set -euo pipefail

N=${1:-200000}
ROUNDS=${2:-5}
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
JAR=$ROOT/target/redis-ha-gateway.jar
WORK=$(mktemp -d /tmp/gateway-metrics-bench.XXXXXX)
# shellcheck source=lib.sh
source "$ROOT/src/test/bench/lib.sh"
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in redis-server redis-benchmark redis-cli curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install redis-server redis-tools curl)" >&2; exit 1; }
done
if [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  mvn -B -q -o package -DskipTests >&2
fi
TCK=$(getconf CLK_TCK)

P_REDIS=$(free_port)
redis-server --port "$P_REDIS" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
PIDS+=($!)
await_ping "$P_REDIS" "$!"

# Both gateways get the same JVM and the same settings; only metrics-port differs.
start_gateway() { # port [directive value ...]; sets GW_PID
  local port=$1; shift
  java -XX:+UseSerialGC -Xmx256m -Xmn64m -jar "$JAR" gateway --port "$port" --bind 127.0.0.1 \
    --master 127.0.0.1 "$P_REDIS" --loglevel warning "$@" >"$WORK/gateway-$port.log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  await_ping "$port" "$GW_PID"
}
P_ON=$(free_port)
P_METRICS=$(free_port)
start_gateway "$P_ON" --metrics-port "$P_METRICS"
PID_ON=$GW_PID
P_OFF=$(free_port)
start_gateway "$P_OFF"
PID_OFF=$GW_PID
curl -fsS "http://127.0.0.1:$P_METRICS/metrics" | grep -q '^redis_ha_gateway_connections ' \
  || { echo "the metrics gateway serves no metrics on $P_METRICS" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

bench() { # port pipeline test requests -> requests per second
  redis-benchmark -p "$1" -t "$3" -n "$4" -c 50 -P "$2" -r 100000 -d 64 --csv | tail -n +2 | tr -d '"' | cut -d, -f2
}

# JIT warm-up of both, not measured.
for port in "$P_ON" "$P_OFF"; do
  for p in 16 1; do bench "$port" "$p" set,get $((N / 2)) >/dev/null; done
done

RESULTS=$WORK/results.csv
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order="on off"; else order="off on"; fi
  for p in 1 16; do
    for test in set get; do
      for which in $order; do
        if [ "$which" = on ]; then port=$P_ON pid=$PID_ON; else port=$P_OFF pid=$PID_OFF; fi
        before=$(cpu_ticks "$pid")
        rps=$(bench "$port" "$p" "$test" "$N")
        after=$(cpu_ticks "$pid")
        # Microseconds of gateway CPU per request.
        cpu=$(awk -v t=$((after - before)) -v hz="$TCK" -v n="$N" 'BEGIN {printf "%.3f", t * 1e6 / hz / n}')
        echo "$round,$which,$p,$test,$rps,$cpu" >>"$RESULTS"
        if [ "$which" = on ]; then curl -fsS "http://127.0.0.1:$P_METRICS/metrics" >/dev/null; fi
      done
    done
  done
  echo "round $round of $ROUNDS done" >&2
done

echo "gateway metrics on vs off: $ROUNDS interleaved rounds of $N requests per run, redis-benchmark -c 50 -r 100000 -d 64"
echo "medians; CPU is the gateway process's utime+stime per request (clock ticks of 1/$TCK s, so short runs are coarse)"
# Both ratios read the same way: 1.00 is free, the target is >= 0.95.
printf '%-10s %12s %12s %8s   %12s %12s %8s\n' mode "rps on" "rps off" on/off "cpu-us on" "cpu-us off" off/on
for p in 1 16; do
  for test in set get; do
    col() { awk -F, -v w="$1" -v p="$p" -v t="$test" -v c="$2" '$2 == w && $3 == p && $4 == t {print $c}' "$RESULTS" | median; }
    rps_on=$(col on 5); rps_off=$(col off 5); cpu_on=$(col on 6); cpu_off=$(col off 6)
    printf '%-10s %12.0f %12.0f %8s   %12.3f %12.3f %8s\n' "-P$p ${test^^}" "$rps_on" "$rps_off" \
      "$(ratio "$rps_on" "$rps_off")" "$cpu_on" "$cpu_off" "$(ratio "$cpu_off" "$cpu_on")"
  done
done
echo "per run (round,metrics,pipeline,test,rps,cpu-us per request):"
cat "$RESULTS"
