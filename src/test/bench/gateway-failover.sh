#!/usr/bin/env bash
# Failover through the gateway: kill -9 of the master under a write load, with our nodes
# and sentinels and with redis-server and redis-sentinel 7.0, each behind our gateway,
# with write-ack-replicas 0 and 1, interleaved round by round; prints each scenario and a
# table of medians.
#
# Each scenario: a master and two replicas (repl-diskless-sync-delay 0), three sentinels
# (quorum 2, down-after-milliseconds as given, parallel-syncs 1), the gateway
# (failover-hold-ms 10000), every one its own process; writer threads SET distinct keys
# through the gateway and record every +OK. Reported: kill -9 to the first sentinel
# answering get-master-addr-by-name with the new master (all three polled every 5 ms);
# from then to the first write sent after the kill and acknowledged through the gateway;
# acknowledged writes the new master lacks.
#
# Usage: src/test/bench/gateway-failover.sh [--rounds 3] [--down-after 500] [--impl ours,redis]
#                                            [--write-ack 0,1] [--writers 4]
# BENCH_KEEP=1 keeps each scenario's directory (logs of every process).
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=lib.sh
source src/test/bench/lib.sh
for bin in redis-server redis-sentinel; do
  command -v "$bin" >/dev/null || { echo "missing $bin" >&2; exit 1; }
done
run_test_class io.redisha.gateway.GatewayFailoverBench "$@"
