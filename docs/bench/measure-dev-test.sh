#!/usr/bin/env bash
# Times `./dev test` as CI runs it (a fresh clone, empty target/) for each commit given,
# one after the other; the machine should be otherwise idle. Logs in /tmp/dev-test-<commit>.log.
#   docs/bench/measure-dev-test.sh 23dbb9f 82e296e
set -u
for c in "$@"; do
  d=/tmp/dev-test-$c
  rm -rf "$d"; git clone -q "$(git rev-parse --show-toplevel)" "$d"; git -C "$d" checkout -q "$c"
  start=$(date +%s)
  (cd "$d" && CI=true bash .ci/run) > "/tmp/dev-test-$c.log" 2>&1
  echo "$c rc=$? secs=$(( $(date +%s) - start ))" | tee -a "/tmp/dev-test-$c.log"
  grep -E "Finished|test result: ok. [1-9]" "/tmp/dev-test-$c.log"
done
