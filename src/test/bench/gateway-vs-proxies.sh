#!/usr/bin/env bash
# The gateway beside its peers: redis-benchmark SET/GET at -P 1 and -P 16 (-c 50
# -r 100000 -d 64) direct to redis-server, through the gateway, through HAProxy (TCP
# mode) and through twemproxy (nutcracker), in interleaved rounds; prints the median
# requests per second and p99 latency of each, the gateway's ratios to the others, and
# the CPU time each proxy (redis-server itself for direct) spent per request.
#
# Usage: src/test/bench/gateway-vs-proxies.sh [requests-per-run (100000)] [rounds (3)]
# Everything runs on this machine, benchmark included: rounds vary by 15-20%, so only
# ratios measured in the same run mean anything.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${1:-100000}
ROUNDS=${2:-3}
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
JAR=$ROOT/target/redis-ha-gateway.jar
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 ..." >&2
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get install -y -q "$2" >/dev/null
  fi
}
need haproxy haproxy
need nutcracker nutcracker
need redis-benchmark redis-tools
need redis-server redis-server

if [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  mvn -B -q -o package -DskipTests >&2
fi

P_REDIS=$(free_port)
redis-server --port "$P_REDIS" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
PIDS+=($!)
PID_REDIS=$!
await_ping "$P_REDIS" "$PID_REDIS"

P_GW=$(free_port)
java -XX:+UseSerialGC -Xmx256m -Xmn64m -jar "$JAR" gateway --port "$P_GW" --bind 127.0.0.1 \
  --master 127.0.0.1 "$P_REDIS" --loglevel warning >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)
PID_GW=$!
await_ping "$P_GW" "$!"

P_HA=$(free_port)
cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen redis
  bind 127.0.0.1:$P_HA
  server r1 127.0.0.1:$P_REDIS
EOF
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
PID_HA=$!
await_ping "$P_HA" "$!"

P_TW=$(free_port)
cat >"$WORK/nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$P_TW
  hash: fnv1a_64
  distribution: ketama
  redis: true
  server_connections: 1
  servers:
   - 127.0.0.1:$P_REDIS:1
EOF
nutcracker -c "$WORK/nutcracker.yml" -s "$(free_port)" -o "$WORK/nutcracker.log" &
PIDS+=($!)
PID_TW=$!
await_ping "$P_TW" "$!"

# Warm the gateway's JIT before measuring.
redis-benchmark -p "$P_GW" -t set,get -n $((2 * N)) -c 50 -P 16 -r 100000 -d 64 -q >/dev/null
redis-benchmark -p "$P_GW" -t set,get -n "$N" -c 50 -P 1 -r 100000 -d 64 -q >/dev/null

RESULTS=$WORK/results.csv
for round in $(seq 1 "$ROUNDS"); do
  for target in direct gateway haproxy twemproxy; do
    case $target in
      direct) port=$P_REDIS pid=$PID_REDIS ;; gateway) port=$P_GW pid=$PID_GW ;;
      haproxy) port=$P_HA pid=$PID_HA ;; twemproxy) port=$P_TW pid=$PID_TW ;;
    esac
    for p in 1 16; do
      for test in set get; do
        before=$(cpu_ticks "$pid")
        line=$(redis-benchmark -p "$port" -t "$test" -n "$N" -c 50 -P "$p" -r 100000 -d 64 --csv | tail -n 1 | tr -d '"')
        ticks=$(( $(cpu_ticks "$pid") - before ))
        IFS=, read -r name rps avg min p50 p95 p99 max <<<"$line"
        echo "$round,$target,$p,$name,$rps,$p99,$ticks" >>"$RESULTS"
      done
    done
  done
  echo "round $round done" >&2
done

python3 - "$RESULTS" "$(getconf CLK_TCK)" "$N" <<'EOF'
import csv, statistics, sys
rows = list(csv.reader(open(sys.argv[1])))
med = {}
for key in {(r[1], r[2], r[3]) for r in rows}:
    vals = [r for r in rows if (r[1], r[2], r[3]) == key]
    med[key] = (statistics.median(float(v[4]) for v in vals), statistics.median(float(v[5]) for v in vals),
                statistics.median(int(v[6]) for v in vals))
targets = ["direct", "gateway", "haproxy", "twemproxy"]
print("median of %d rounds: requests/s (p99 ms)" % len({r[0] for r in rows}))
print("%-10s" % "mode" + "".join("%22s" % t for t in targets)
      + "   gw/direct gw/haproxy gw/twemproxy  haproxy/direct twemproxy/direct  gw p99 - direct p99")
for p in ["1", "16"]:
    for test in ["SET", "GET"]:
        get = lambda t: med.get((t, p, test), (float("nan"), float("nan"), 0))
        d, g, h, tw = (get(t) for t in targets)
        print("%-10s" % ("-P%s %s" % (p, test))
              + "".join("%14.0f (%5.2f)" % get(t)[:2] for t in targets)
              + "   %9.2f %10.2f %12.2f  %14.2f %16.2f  %+8.2f ms" % (
                  g[0] / d[0], g[0] / h[0], g[0] / tw[0], h[0] / d[0], tw[0] / d[0], g[1] - d[1]))
ticks = int(sys.argv[2])
n = int(sys.argv[3])
print("\nCPU per request (us, median; direct = redis-server itself, the others = the proxy process)")
print("%-10s" % "mode" + "".join("%12s" % t for t in targets))
for p in ["1", "16"]:
    for test in ["SET", "GET"]:
        print("%-10s" % ("-P%s %s" % (p, test))
              + "".join("%12.2f" % (med.get((t, p, test), (0, 0, 0))[2] * 1e6 / ticks / n) for t in targets))
EOF
