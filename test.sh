#!/usr/bin/env bash
# The README's test command: installs the real Redis tools the interop and
# differential tests run against (when missing), then runs the whole suite.
# Maven and a JDK 17 are assumed present. Works without a tty (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for tool in redis-server redis-cli redis-benchmark redis-sentinel; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

if ((${#missing[@]})); then
  echo "test.sh: missing ${missing[*]}; installing redis-server redis-sentinel redis-tools" >&2
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    # -n: never prompt, CI has no stdin.
    sudo=(sudo -n)
  else
    echo "test.sh: not root and no sudo; install redis-server redis-sentinel redis-tools yourself" >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-sentinel redis-tools
  # The package may start a system redis on 6379; the tests never use fixed ports, so it is left alone.
fi

exec mvn -B test "$@"
