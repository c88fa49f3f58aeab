#!/usr/bin/env bash
# `npm run test:loaded`: exactly `npm test`, beside two busy processes per core, to prove that no test
# depends on how fast the machine is (issue #20). stress-ng if installed, plain shell busy loops if not.
# The load is always stopped (trap), whatever ends the run; the exit code is npm test's.
set -u
cd "$(dirname "$0")/.."

cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
busy=$((cores * 2))
load_pids=()

stop_load() {
  # stress-ng runs in its own process group (setsid), so its workers go with it; loops are single processes.
  for pid in "${load_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null; done
  load_pids=()
}
trap stop_load EXIT
trap 'exit 130' INT TERM HUP

if command -v stress-ng >/dev/null 2>&1; then
  how="stress-ng --cpu $busy"
  setsid stress-ng --cpu "$busy" --quiet </dev/null >/dev/null 2>&1 &
  load_pids+=($!)
else
  how="$busy shell busy loops"
  for _ in $(seq "$busy"); do
    sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &
    load_pids+=($!)
  done
fi

read -r before _ </proc/loadavg
echo "test:loaded: $how on $cores cores (load average $before before)"
started=$(date +%s)
npm test
code=$?
seconds=$(($(date +%s) - started))
read -r l1 l5 l15 _ </proc/loadavg
stop_load
echo "test:loaded: npm test exit $code after ${seconds}s; load average $l1 $l5 $l15 (1, 5, 15 min) with $how on $cores cores"
exit "$code"
