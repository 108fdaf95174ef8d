#!/usr/bin/env bash
# Failover benchmark: our sentinel vs redis-sentinel 7.0 with the same settings.
#
# For each down-after value and each implementation: a real redis-server master with
# two replicas, three sentinels (quorum 2, parallel-syncs 1, failover-timeout 180000),
# a client writing every 5 ms through Sentinel discovery (get-master-addr-by-name,
# re-asked after any error), kill -9 of the master, then a restart of the old master.
# Reports the time from the kill until writes succeed again, and from the restart until
# the old master is a replica of the new one and in sync.
#
# Usage: src/test/bench/sentinel-vs-redis.sh [--down-after 3000,500] [--rounds 1] [--impl ours,redis]
# Servers run with repl-diskless-sync-delay 0 (both sides), so the resync time measures
# the sentinels, not redis-server's 5 s default wait for more replicas.
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=lib.sh
source src/test/bench/lib.sh
for bin in redis-server redis-sentinel; do
  command -v "$bin" >/dev/null || { echo "missing $bin" >&2; exit 1; }
done
run_test_class io.redisha.sentinel.FailoverBench "$@"
