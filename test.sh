#!/usr/bin/env bash
# The README's test command: installs the real Redis tools the interop and
# differential tests run against (when missing), then runs the whole suite.
# Maven and a JDK 17 are assumed present. Works without a tty (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for tool in redis-server redis-cli redis-benchmark redis-sentinel promtool prometheus; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

if ((${#missing[@]})); then
  echo "test.sh: missing ${missing[*]}; installing redis-server redis-sentinel redis-tools prometheus" >&2
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    # -n: never prompt, CI has no stdin.
    sudo=(sudo -n)
  else
    echo "test.sh: not root and no sudo; install redis-server redis-sentinel redis-tools prometheus yourself" >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-sentinel redis-tools prometheus
  # The packages may start a system redis on 6379 and a prometheus on 9090; the tests never use
  # fixed ports, so they are left alone. prometheus brings promtool and the real scraper the
  # metrics tests run.
fi

exec mvn -B test "$@"
