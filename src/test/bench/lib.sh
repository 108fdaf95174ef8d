# Helpers shared by the benchmark scripts; sourced, not run. Each script sets WORK (its
# temporary directory, named in error messages) before calling await_ping.

free_port() {
  local p
  while :; do
    # Below the kernel's ephemeral range (32768 and up by default), where the many short
    # redis-cli connections of a run leave ports a server could not bind.
    p=$((20000 + RANDOM % 12000))
    # Nothing answers a connect on it, so nothing listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

await_ping() {
  local port=$1 pid=$2 i
  for i in $(seq 1 300); do
    [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "server on $port died; log in $WORK" >&2; exit 1; }
    sleep 0.1
  done
  echo "server on $port did not answer PING within 30 s" >&2
  exit 1
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0==0) print "n/a"; else printf "%.2f", a/b}'; }

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# measure_background PORT COMMAND FIELD: sends COMMAND (BGSAVE, BGREWRITEAOF) while
# pause-probe.py PINGs the server, waits until INFO persistence shows FIELD:0 (polled
# every 10 ms), and prints "<ms from the command to the end> <longest PING ms> <PINGs>".
measure_background() {
  local port=$1 cmd=$2 field=$3 out probe t0 t1 reply
  out=$(mktemp "$WORK/probe.XXXXXX")
  python3 "$BENCH_DIR/pause-probe.py" "$port" "$out" &
  probe=$!
  until [[ -e $out.ready ]]; do
    kill -0 "$probe" 2>/dev/null || { echo "pause probe on $port failed" >&2; exit 1; }
    sleep 0.01
  done
  t0=$(date +%s%3N)
  reply=$(redis-cli -p "$port" "$cmd")
  [[ $reply == *started* ]] || { kill "$probe"; echo "$cmd on $port: $reply" >&2; exit 1; }
  while redis-cli -p "$port" INFO persistence | grep -q "^$field:1"; do sleep 0.01; done
  t1=$(date +%s%3N)
  kill -TERM "$probe"
  wait "$probe" || { echo "pause probe on $port failed" >&2; exit 1; }
  echo "$((t1 - t0)) $(cat "$out")"
  rm -f "$out" "$out.ready"
}

# PIDS holds the processes a script started; stop_pids stops those, and only those.
PIDS=()
stop_pids() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

# run_test_class CLASS ARGS...: a benchmark written in Java among the tests (a main() in
# src/test/java), run with the test classpath after compiling; from the project's root.
run_test_class() {
  local main=$1 cp_file cp bin
  shift
  for bin in java mvn; do
    command -v "$bin" >/dev/null || { echo "missing $bin" >&2; exit 1; }
  done
  mvn -B -q -o test-compile >/dev/null
  cp_file=$(mktemp)
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
  cp="target/classes:target/test-classes:$(cat "$cp_file")"
  rm -f "$cp_file"
  java -cp "$cp" "$main" "$@"
}

# write_sets N SIZE FILE: N SET commands in RESP for redis-cli --pipe, keys key:0 ..
# key:N-1, each value SIZE bytes of 'v' (exactly N keys, which redis-benchmark -r cannot
# promise).
write_sets() {
  awk -v n="$1" -v size="$2" 'BEGIN {
      v = sprintf("%0" size "d", 0); gsub(/0/, "v", v)
      for (i = 0; i < n; i++) {
        k = "key:" i
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v
      }
    }' >"$3"
}

# cpu_ticks PID: user + system CPU time the process has used, in clock ticks (/proc/PID/stat).
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}
