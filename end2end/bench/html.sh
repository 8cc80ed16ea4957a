#!/usr/bin/env bash
# Server-rendered HTML of the contact list on ONE kept-alive connection, as a browser
# reloading the page would see it: p50, p90, p99 and the p99 ÷ p50 ratio (budget P9).
# Usage: end2end/bench/html.sh <base-url> <workspace> <e-mail> <password> [rounds]
set -euo pipefail
base=$1 slug=$2 email=$3 password=$4 rounds=${5:-200}
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
curl -s -b "$jar" -c "$jar" -H "Origin: $base" -o /dev/null \
  -d "input[workspace]=$slug&input[email]=$email&input[password]=$password" "$base/rpc/login"
# One curl, many URLs: curl keeps the connection open between them.
urls=()
for ((i = 0; i < rounds; i++)); do urls+=(-o /dev/null "$base/contacts"); done
curl -s -b "$jar" -w '%{time_total}\n' "${urls[@]}" | sort -n | awk '{a[NR]=$1} END {
  p50 = a[int(NR*0.5)+1]; p90 = a[int(NR*0.9)]; p99 = a[int(NR*0.99)]
  printf "html      n=%d  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  p99/p50 %.2f\n", NR, p50*1000, p90*1000, p99*1000, p99/p50 }'
