#!/usr/bin/env bash
# Request times of the main reads against a running server, as the browser calls
# them: contact list page (50 rows), contact detail, its timeline, palette type-ahead.
# Usage: end2end/bench/latency.sh <base-url> <workspace> <e-mail> <password> [rounds]
set -euo pipefail
base=$1 slug=$2 email=$3 password=$4 rounds=${5:-100}
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
post() { curl -s -b "$jar" -c "$jar" -H "Origin: $base" -d "$2" "$base/rpc/$1"; }
timed() { curl -s -o /dev/null -b "$jar" -H "Origin: $base" -d "$2" -w '%{time_total}\n' "$base/rpc/$1"; }
post login "input[workspace]=$slug&input[email]=$email&input[password]=$password" >/dev/null
mapfile -t ids < <(post contacts/list 'query[q]=' | python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)["items"]]')
words=(M%C3%BCl Schmi Wagn Beck Hoff Sch%C3%A4f Koch Rich)
declare -A t
for ((i = 0; i < rounds; i++)); do
  id=${ids[i % ${#ids[@]}]}
  t[list]+="$(timed contacts/list 'query[q]=') "
  t[detail]+="$(timed contacts/get "id=$id") "
  t[timeline]+="$(timed timeline/list "query[record]=$id") "
  t[palette]+="$(timed palette "q=${words[i % ${#words[@]}]}") "
done
for k in list detail timeline palette; do
  echo "${t[$k]}" | tr ' ' '\n' | grep . | sort -n | awk -v k="$k" '{a[NR]=$1} END {
    printf "%-9s n=%d  p50 %.1f ms  p95 %.1f ms\n", k, NR, a[int(NR*0.5)+1]*1000, a[int(NR*0.95)]*1000 }'
done
