#!/usr/bin/env bash
# `npm run test:loaded`: exactly `npm test`, beside two busy processes per core, to prove that no test
# depends on how fast the machine is (issue #20). stress-ng if installed, plain shell busy loops if not.
# The load is always stopped (trap), whatever ends the run; the exit code is npm test's.
#
# Besides printing them, it appends one line per run to a log outside the repository, for docs/reliability.md:
#   date, commit, duration, exit code, load average (1, 5, 15 min) before the load and near the end, the load.
# The log is $RUNBOOK_LOADED_LOG if set, else ${TMPDIR:-/tmp}/runbook-test-loaded.log.
set -u
cd "$(dirname "$0")/.."

cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
busy=$((cores * 2))
load_pids=()
log=${RUNBOOK_LOADED_LOG:-${TMPDIR:-/tmp}/runbook-test-loaded.log}

stop_load() {
  # stress-ng runs in its own process group (setsid), so its workers go with it; loops are single processes.
  for pid in "${load_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null; done
  load_pids=()
}
trap stop_load EXIT
trap 'exit 130' INT TERM HUP

# Read before any load is applied: what the machine was doing anyway.
read -r b1 b5 b15 _ </proc/loadavg

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

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
echo "test:loaded: $how on $cores cores at $commit (load average $b1 $b5 $b15 before)"
started=$(date +%s)
npm test
code=$?
seconds=$(($(date +%s) - started))
# Read at the end of the run, before the load stops: the 1-minute figure is the load the last tests ran under.
read -r l1 l5 l15 _ </proc/loadavg
stop_load
line="$(date -u +%Y-%m-%dT%H:%M:%SZ) commit=$commit duration=${seconds}s exit=$code loadavg_end=$l1/$l5/$l15 loadavg_before=$b1/$b5/$b15 load=\"$how on $cores cores\""
echo "test:loaded: npm test exit $code after ${seconds}s; load average $l1 $l5 $l15 (1, 5, 15 min) with $how on $cores cores"
if echo "$line" >>"$log" 2>/dev/null; then echo "test:loaded: logged to $log"; else echo "test:loaded: could not write $log" >&2; fi
exit "$code"
