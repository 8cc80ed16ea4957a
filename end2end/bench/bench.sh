# `./dev bench`: every budget of the performance issue (P1–P9), each measured side by
# side with its reference in one run, plus scale-out and a database restart under
# load. Sourced by ./dev (uses its set-up and cluster helpers). Writes
# target/bench/report.md and puts it into docs/benchmarks.md between the markers.
#
# Knobs: TESSERA_BENCH_CONTACTS (1000000), TESSERA_BENCH_TENANTS (1000),
# TESSERA_BENCH_SECONDS per load run (20), TESSERA_BENCH_RSS_SECONDS (300),
# TESSERA_BENCH_IMPORT_ROWS (100000).

BENCH_OUT="$ROOT/target/bench"
BENCH_CONTACTS="${TESSERA_BENCH_CONTACTS:-1000000}"
BENCH_TENANTS="${TESSERA_BENCH_TENANTS:-1000}"
BENCH_SECONDS="${TESSERA_BENCH_SECONDS:-20}"
BENCH_RSS_SECONDS="${TESSERA_BENCH_RSS_SECONDS:-300}"
BENCH_IMPORT_ROWS="${TESSERA_BENCH_IMPORT_ROWS:-100000}"
BENCH_PASSWORD=Tessera-Demo-2026
BENCH_PIDS=()

bench_stop_servers() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    BENCH_PIDS=()
}

# bench_db NAME: a fresh database owned by the non-superuser owner, as production has.
bench_db() {
    psql_admin dev -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
    ensure_owner_db dev "$1"
}

# bench_server PORT DATABASE-URL BINARY [ENV=VALUE ...]: starts a server, waits for it.
bench_server() {
    local port=$1 url=$2 binary=$3
    shift 3
    env DATABASE_URL="$url" TESSERA_LISTEN="127.0.0.1:$port" TESSERA_PUBLIC_URL="http://127.0.0.1:$port" \
        TESSERA_MASTER_KEY_FILE="$(dev_master_key)" LEPTOS_SITE_ROOT="$ROOT/target/site" \
        LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tessera RUST_LOG=warn "$@" \
        "$binary" serve >>"$BENCH_OUT/server-$port.log" 2>&1 &
    BENCH_PIDS+=($!)
    local i
    for ((i = 0; i < 300; i++)); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && return 0
        sleep 0.2
    done
    die "the server on port $port did not start (see $BENCH_OUT/server-$port.log)"
}

# bench_cookie BASE SLUG EMAIL: signs in, prints the session cookie.
bench_cookie() {
    local jar cookie
    jar="$(mktemp)"
    curl -fsS -c "$jar" -o /dev/null -H "Origin: $1" -X POST "$1/rpc/login" \
        --data-urlencode "input[workspace]=$2" --data-urlencode "input[email]=$3" \
        --data-urlencode "input[password]=$BENCH_PASSWORD"
    cookie="$(awk '$6 == "tessera_session" { print $6 "=" $7 }' "$jar")"
    rm -f "$jar"
    [ -n "$cookie" ] || die "could not sign in to $1 as $3"
    echo "$cookie"
}

# bench_load BASE COOKIE PATH BODY CONNECTIONS SECONDS: wrk, prints "rps p50 p95 p99 errors".
bench_load() {
    local lua
    lua="$(mktemp --suffix=.lua)"
    cat >"$lua" <<EOF
wrk.method = "POST"
wrk.body = "$4"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
done = function(s, l, r)
  local errors = s.errors.connect + s.errors.read + s.errors.write + s.errors.status + s.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d\n", s.requests / (s.duration / 1e6),
    l:percentile(50) / 1000, l:percentile(95) / 1000, l:percentile(99) / 1000, errors))
end
EOF
    wrk -t2 -c"$5" -d"$6s" -H "Cookie: $2" -H "Origin: $1" -s "$lua" "$1$3" | awk '/^RESULT/ { print $2, $3, $4, $5, $6 }'
    rm -f "$lua"
}

# bench_times BASE COOKIE PATH BODY ROUNDS: one request after another, prints the
# sorted times in ms.
bench_times() {
    local i
    for ((i = 0; i < $5; i++)); do
        curl -s -o /dev/null -b "$2" -H "Origin: $1" -d "$4" -w '%{time_total}\n' "$1$3"
    done | awk '{ printf "%.3f\n", $1 * 1000 }' | sort -n
}

# pct P < sorted numbers
pct() { awk -v p="$1" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v op="$2" -v b="$3" 'BEGIN { ok = (op == "<=") ? (v <= b) : (v >= b); print ok ? "met" : "**missed**" }'; }

# pgbench_tps DATABASE-URL SCRIPT CLIENTS SECONDS
pgbench_tps() {
    pgbench -n -M prepared -c "$3" -j 2 -T "$4" -f "$2" "$1" 2>/dev/null \
        | awk '/^tps = / { print $3; exit }'
}

bench_row() { printf '| %s | %s | %s | %s | %s |\n' "$@" >>"$BENCH_OUT/rows.md"; }

cmd_bench() {
    setup
    command -v wrk >/dev/null || apt_install wrk
    command -v pgbench >/dev/null || apt_install postgresql-client
    mkdir -p "$BENCH_OUT"
    rm -f "$BENCH_OUT"/*.log "$BENCH_OUT/rows.md" "$BENCH_OUT/notes.md"
    trap bench_stop_servers EXIT
    db_start dev
    say "building the release (the app) and the benchmark build (auditing switchable)"
    # The switchable server first, with the release build's flags so that it shares
    # its compiled dependencies; then the release build, which puts its own binary
    # back in place (cargo keeps both feature sets' artifacts side by side).
    RUSTFLAGS="--cfg erase_components" cargo build --release -q -p server --no-default-features --features bench-switches
    cp "$ROOT/target/release/server" "$BENCH_OUT/server-switchable"
    cargo leptos build --release
    local server="$ROOT/target/release/server" switchable="$BENCH_OUT/server-switchable"
    cmp -s "$server" "$switchable" && die "the release server is the benchmark build; run ./dev bench again"
    local started; started=$(date +%s)

    # ---- the demo workspace (240 contacts) and its copies
    say "seeding the demo workspace"
    local demo_url norls_url audit_url tenant base cookie
    demo_url="$(bench_db bench_demo)"
    BENCH_DEMO_URL="$demo_url"
    DATABASE_URL="$demo_url" TESSERA_MASTER_KEY_FILE="$(dev_master_key)" "$server" seed >/dev/null
    psql_admin dev -c "DROP DATABASE IF EXISTS bench_norls WITH (FORCE)" -c "DROP DATABASE IF EXISTS bench_audit WITH (FORCE)" \
        -c "CREATE DATABASE bench_norls TEMPLATE bench_demo OWNER tessera" -c "CREATE DATABASE bench_audit TEMPLATE bench_demo OWNER tessera"
    norls_url="${demo_url%/*}/bench_norls" audit_url="${demo_url%/*}/bench_audit"
    # The benchmark-only switch of P1: row-level security off on a copy.
    psql_admin dev -d bench_norls -c "SELECT format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY', relname)
        FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace" \
        | while read -r alter; do psql_admin dev -d bench_norls -c "$alter"; done
    tenant="$(psql_admin dev -d bench_demo -c "SELECT tenant_id FROM tenants WHERE slug = 'demo'")"

    bench_server 3210 "$demo_url" "$server"
    base=http://127.0.0.1:3210
    cookie="$(bench_cookie $base demo inhaberin@demo.example)"
    local page_body='query%5Bq%5D=&query%5Bsort%5D=NewestFirst' contact
    contact="$(curl -s -b "$cookie" -H "Origin: $base" -d "$page_body" "$base/rpc/contacts/list" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"

    # ---- P9: the server-rendered page on one kept-alive connection
    say "P9: HTML page, one connection"
    local urls=() i
    for ((i = 0; i < 300; i++)); do urls+=(-o /dev/null "$base/contacts"); done
    curl -s -b "$cookie" -w '%{time_total}\n' "${urls[@]}" | awk '{ printf "%.3f\n", $1 * 1000 }' | sort -n >"$BENCH_OUT/html.txt"
    local h50 h99
    h50="$(pct 50 <"$BENCH_OUT/html.txt")" h99="$(pct 99 <"$BENCH_OUT/html.txt")"
    bench_row P9 "HTML contact list, 1 connection, 300 requests: p99 ÷ p50" "$h99 ms ÷ $h50 ms = $(ratio "$h99" "$h50")" "≤ 2" "$(verdict "$(ratio "$h99" "$h50")" "<=" 2)"

    # ---- P2: the list page against pgbench of its SQL
    say "P2: list page (16 connections) against pgbench of the same SQL"
    cat >"$BENCH_OUT/list.sql" <<EOF
BEGIN;
SET LOCAL ROLE tessera_app;
SELECT set_config('app.tenant_id', '$tenant', true), set_config('app.record_scope', 'all', true);
SELECT contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct, organisation_id, owner_id, tags, classification, stage, preferred_language, channels, created_at, updated_at FROM contacts WHERE merged_into IS NULL ORDER BY created_at DESC, contact_id DESC LIMIT 51;
COMMIT;
EOF
    local load tps rps
    load="$(bench_load $base "$cookie" /rpc/contacts/list "$page_body" 16 "$BENCH_SECONDS")"
    tps="$(pgbench_tps "$demo_url" "$BENCH_OUT/list.sql" 16 "$BENCH_SECONDS" | xargs printf '%.0f')"
    rps="${load%% *}"
    bench_row P2 "contact list page (50 rows, decrypted, audited), 16 connections: req/s ÷ pgbench tps of its page query in a tenant transaction" "$rps ÷ $tps = $(ratio "$rps" "$tps") (p50 $(echo "$load" | cut -d' ' -f2) ms, errors $(echo "$load" | cut -d' ' -f5))" "≥ 0.5" "$(verdict "$(ratio "$rps" "$tps")" ">=" 0.5)"

    # ---- P1: the same reads with row-level security off
    say "P1: list and detail with and without row-level security"
    bench_server 3211 "$norls_url" "$server"
    local nbase=http://127.0.0.1:3211 ncookie
    ncookie="$(bench_cookie $nbase demo inhaberin@demo.example)"
    for what in list detail; do
        local path body
        if [ $what = list ]; then path=/rpc/contacts/list body="$page_body"; else path=/rpc/contacts/get body="id=$contact"; fi
        bench_times $base "$cookie" $path "$body" 20 >/dev/null   # warm-up
        bench_times $nbase "$ncookie" $path "$body" 20 >/dev/null
        bench_times $base "$cookie" $path "$body" 300 >"$BENCH_OUT/rls-$what.txt"
        bench_times $nbase "$ncookie" $path "$body" 300 >"$BENCH_OUT/norls-$what.txt"
        local with without
        with="$(pct 95 <"$BENCH_OUT/rls-$what.txt")" without="$(pct 95 <"$BENCH_OUT/norls-$what.txt")"
        bench_row P1 "contact $what p95, row-level security on ÷ off (300 requests each)" "$with ms ÷ $without ms = $(ratio "$with" "$without")" "≤ 1.10" "$(verdict "$(ratio "$with" "$without")" "<=" 1.10)"
    done

    # ---- P7: audited reads against the same reads with auditing off
    say "P7: audited reads against the same reads unaudited (benchmark build)"
    bench_server 3212 "$audit_url" "$switchable"
    bench_server 3213 "$audit_url" "$switchable" TESSERA_BENCH_SKIP_AUDIT=1
    local on off
    on="$(bench_load http://127.0.0.1:3212 "$(bench_cookie http://127.0.0.1:3212 demo inhaberin@demo.example)" /rpc/contacts/get "id=$contact" 16 "$BENCH_SECONDS")"
    off="$(bench_load http://127.0.0.1:3213 "$(bench_cookie http://127.0.0.1:3213 demo inhaberin@demo.example)" /rpc/contacts/get "id=$contact" 16 "$BENCH_SECONDS")"
    bench_row P7 "contact detail, 16 connections, one tenant: audited req/s ÷ unaudited req/s" "${on%% *} ÷ ${off%% *} = $(ratio "${on%% *}" "${off%% *}")" "≥ 0.8" "$(verdict "$(ratio "${on%% *}" "${off%% *}")" ">=" 0.8)"

    # ---- scale-out: two processes on one database, and the audit chain after it
    say "scale-out: two server processes on one database"
    bench_server 3214 "$demo_url" "$server"
    local one two_a two_b
    one="$(bench_load $base "$cookie" /rpc/contacts/get "id=$contact" 16 "$BENCH_SECONDS")"
    bench_load $base "$cookie" /rpc/contacts/get "id=$contact" 8 "$BENCH_SECONDS" >"$BENCH_OUT/two-a.txt" &
    local first_half=$!
    two_b="$(bench_load http://127.0.0.1:3214 "$cookie" /rpc/contacts/get "id=$contact" 8 "$BENCH_SECONDS")"
    # Only the load: a bare `wait` would wait for the servers too, for ever.
    wait $first_half
    two_a="$(cat "$BENCH_OUT/two-a.txt")"
    sleep 2
    local verified
    verified="$(DATABASE_URL="$demo_url" TESSERA_MASTER_KEY_FILE="$(dev_master_key)" "$server" audit verify --tenant demo 2>/dev/null | tail -1 || true)"
    bench_row "—" "two server processes on one database, 8 + 8 connections (sessions shared), then \`audit verify\`" "$(awk -v a="${two_a%% *}" -v b="${two_b%% *}" 'BEGIN { printf "%.0f", a + b }') req/s (one process, 16 connections: ${one%% *}); $verified" "no audit gap" "$(case "$verified" in *intact) echo met ;; *) echo "**missed**" ;; esac)"

    # ---- fault: PostgreSQL restarted under load
    say "fault check: PostgreSQL restarted while contacts are created"
    bench_fault "$base" "$cookie" "$demo_url" "$server"

    # ---- P8: memory under 64 connections
    say "P8: server memory, 64 connections for $BENCH_RSS_SECONDS s"
    local pid="${BENCH_PIDS[0]}" rss_start rss_max=0 rss_end rss
    rss_start="$(ps -o rss= -p "$pid" | tr -d " ")"
    bench_load $base "$cookie" /rpc/contacts/list "$page_body" 64 "$BENCH_RSS_SECONDS" >"$BENCH_OUT/rss-load.txt" &
    local loader=$!
    : >"$BENCH_OUT/rss.txt"
    while kill -0 $loader 2>/dev/null; do
        rss="$(ps -o rss= -p "$pid" | tr -d " ")"; echo "$rss" >>"$BENCH_OUT/rss.txt"
        [ "$rss" -gt "$rss_max" ] && rss_max=$rss
        sleep 5
    done
    rss_end="$(ps -o rss= -p "$pid" | tr -d " ")"
    local mib_max mib_mid
    mib_max="$(awk -v k="$rss_max" 'BEGIN { printf "%.0f", k / 1024 }')"
    mib_mid="$(awk '{ a[NR] = $1 } END { printf "%.0f", a[int(NR / 2) + 1] / 1024 }' "$BENCH_OUT/rss.txt")"
    bench_row P8 "server RSS, 64 connections on the list page for $BENCH_RSS_SECONDS s (start / middle / max / end)" "$((rss_start / 1024)) / $mib_mid / $mib_max / $((rss_end / 1024)) MiB ($(cut -d' ' -f1 "$BENCH_OUT/rss-load.txt") req/s)" "≤ 150 MiB, flat" "$(verdict "$mib_max" "<=" 150)"
    bench_stop_servers

    # ---- P6: the hydrate bundle
    local wasm_gz js_gz
    wasm_gz="$(gzip -9 -c "$ROOT/target/site/pkg/tessera.wasm" | wc -c)" js_gz="$(gzip -9 -c "$ROOT/target/site/pkg/tessera.js" | wc -c)"
    bench_row P6 "hydrate bundle, gzip -9 (wasm + js)" "$(( (wasm_gz + js_gz) / 1024 )) KB ($wasm_gz + $js_gz bytes)" "≤ 400 KB" "$(verdict $(( (wasm_gz + js_gz) / 1024 )) "<=" 400)"

    bench_import "$server"
    bench_scale "$server"
    bench_report "$(( $(date +%s) - started ))"
}

# A PostgreSQL restart while one client creates contacts and 8 connections read: the
# server must answer during the outage (an error, not a hang), recover by itself, and
# afterwards every create it confirmed — and only those — must exist, each audited.
bench_fault() {
    local base=$1 cookie=$2 url=$3 server=$4 before_contacts before_audit
    before_contacts="$(psql_admin dev -d bench_demo -c "SELECT count(*) FROM contacts")"
    before_audit="$(psql_admin dev -d bench_demo -c "SELECT (SELECT count(*) FROM audit_log WHERE action = 'contact.create') + (SELECT count(*) FROM audit_pending WHERE action = 'contact.create')")"
    bench_load "$base" "$cookie" /rpc/contacts/list 'query%5Bq%5D=&query%5Bsort%5D=NewestFirst' 8 30 >"$BENCH_OUT/fault-load.txt" &
    local loader=$! i status t0 now ok=0 failed=0 slowest=0 restarted=0 recovered="" restarter=""
    t0=$(date +%s%N)
    : >"$BENCH_OUT/fault-creates.txt"
    for ((i = 0; i < 400; i++)); do
        now=$(( ($(date +%s%N) - t0) / 1000000 ))
        # The restart runs beside the requests, so that some arrive while it is down.
        if [ $restarted = 0 ] && [ $now -gt 8000 ]; then
            (db_stop dev; sleep 3; db_start dev) >/dev/null 2>&1 &
            restarter=$! restarted=$now
        fi
        status="$(curl -s -o /dev/null -m 15 -b "$cookie" -H "Origin: $base" -w '%{http_code} %{time_total}' \
            --data-urlencode "input[first_name]=Fault" --data-urlencode "input[last_name]=Check$i" "$base/rpc/contacts/create")"
        echo "$now $status" >>"$BENCH_OUT/fault-creates.txt"
        case "${status%% *}" in
            200) ok=$((ok + 1))
                [ $failed -gt 0 ] && [ -z "$recovered" ] && recovered=$(( now - restarted )) ;;
            *) failed=$((failed + 1)) ;;
        esac
        slowest="$(awk -v a="$slowest" -v b="${status##* }" 'BEGIN { print (b > a) ? b : a }')"
        [ $now -gt 25000 ] && break
        sleep 0.1
    done
    wait $loader || true
    [ -n "$restarter" ] && wait "$restarter"
    sleep 2   # the sealer's next round
    local after_contacts after_audit verified codes
    after_contacts="$(psql_admin dev -d bench_demo -c "SELECT count(*) FROM contacts")"
    after_audit="$(psql_admin dev -d bench_demo -c "SELECT (SELECT count(*) FROM audit_log WHERE action = 'contact.create') + (SELECT count(*) FROM audit_pending WHERE action = 'contact.create')")"
    verified="$(DATABASE_URL="$url" TESSERA_MASTER_KEY_FILE="$(dev_master_key)" "$server" audit verify --tenant demo 2>/dev/null | tail -1 || true)"
    codes="$(awk '{ print $2 }' "$BENCH_OUT/fault-creates.txt" | sort | uniq -c | awk '{ printf "%s× %s ", $1, $2 }')"
    local whole="no" clean="no"
    [ $((after_contacts - before_contacts)) = $ok ] && [ $((after_audit - before_audit)) = $ok ] && case "$verified" in *intact) whole=yes ;; esac
    # Clean: every failure is a 503 (never a 500 or a timeout), answered within 5 s.
    awk '$2 != 200 && $2 != 503 { bad = 1 } END { exit bad }' "$BENCH_OUT/fault-creates.txt" \
        && awk -v s="$slowest" 'BEGIN { exit !(s <= 5) }' && clean=yes
    bench_row "—" "PostgreSQL stopped for 3 s while contacts are created (one client) and the list is read (8 connections)" \
        "creates: ${codes}(slowest answer ${slowest} s); answering again ${recovered:-never} ms after the stop began (3 s down, then the start); confirmed creates $ok = new contacts $((after_contacts - before_contacts)) = new audit entries $((after_audit - before_audit)); $verified" \
        "503 within 5 s, recovers, nothing partial, no audit gap" "$([ $whole = yes ] && [ $clean = yes ] && [ -n "$recovered" ] && [ $failed -gt 0 ] && echo met || echo "**missed**")"
}

# P4: a CSV file of $BENCH_IMPORT_ROWS contacts imported the way a user does it
# (upload, the suggested mapping, start, progress until done: parse, validate,
# encrypt, index, audit) against plaintext COPY of the very same file.
bench_import() {
    local server=$1 base=http://127.0.0.1:3216 csv="$BENCH_OUT/import.csv" url cookie
    python3 - "$csv" "$BENCH_IMPORT_ROWS" <<'PY'
import random, sys
first = "Anna Jörg Käthe Lukas Özlem Mehmet Sophie Jürgen Marie Paul Lea Felix Emma Jonas Mia Ben Hannah Elias".split()
last = "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Yılmaz Öztürk".split()
rng = random.Random(12)
with open(sys.argv[1], "w", encoding="utf-8", newline="") as out:
    out.write("Vorname;Nachname;E-Mail;Telefon;Firma\r\n")
    for i in range(int(sys.argv[2])):
        out.write(f"{rng.choice(first)};{rng.choice(last)};person{i}@import{i % 97}.example;+49 30 {1000000 + i};Firma {i % 1000} GmbH\r\n")
PY
    psql_admin dev -c "DROP DATABASE IF EXISTS bench_import WITH (FORCE)" -c "CREATE DATABASE bench_import TEMPLATE bench_demo OWNER tessera"
    url="${BENCH_DEMO_URL%/*}/bench_import"
    bench_server 3216 "$url" "$server"
    cookie="$(bench_cookie $base demo inhaberin@demo.example)"
    say "P4: importing $BENCH_IMPORT_ROWS contacts from CSV, and COPY of the same file"
    local t0 t1 draft id body state=running progress before
    before="$(psql_admin dev -d bench_import -c "SELECT count(*) FROM contacts")"
    t0=$(date +%s%N)
    draft="$(curl -fsS -b "$cookie" -H "Origin: $base" -H "Accept: application/json" -F "file=@$csv;filename=kunden.csv" "$base/imports")"
    id="$(echo "$draft" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
    body="$(echo "$draft" | python3 -c '
import json, sys, urllib.parse
d = json.load(sys.stdin); s = d["settings"]
pairs = [("id", d["id"])] + [(f"settings[fields][{i}]", f) for i, f in enumerate(s["fields"])]
pairs += [("settings[on_match]", s["on_match"]), ("settings[match_by]", s["match_by"])]
print(urllib.parse.urlencode(pairs))')"
    curl -fsS -o /dev/null -b "$cookie" -H "Origin: $base" -d "$body" "$base/rpc/imports/start"
    while [ "$state" = running ]; do
        sleep 0.5
        progress="$(curl -fsS -b "$cookie" -H "Origin: $base" -d "id=$id" "$base/rpc/imports/progress")"
        state="$(echo "$progress" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"].lower())')"
    done
    t1=$(date +%s%N)
    local imported created plain_ms import_ms
    import_ms=$(( (t1 - t0) / 1000000 ))
    created=$(( $(psql_admin dev -d bench_import -c "SELECT count(*) FROM contacts") - before ))
    psql_admin dev -d bench_import -c "CREATE TABLE bench_import_plain (first_name text, last_name text, email text, phone text, organisation text)" >/dev/null
    t0=$(date +%s%N)
    psql_admin dev -d bench_import -c "\\copy bench_import_plain FROM '$csv' WITH (FORMAT csv, HEADER, DELIMITER ';')" >/dev/null
    t1=$(date +%s%N)
    plain_ms=$(( (t1 - t0) / 1000000 ))
    imported="$(echo "$progress" | python3 -c 'import json,sys; p = json.load(sys.stdin); print(p["state"], p["done"], "of", p["total"])')"
    bench_row P4 "CSV import of $BENCH_IMPORT_ROWS contacts (upload to done; $imported; $created contacts new) ÷ plaintext COPY of the same file" \
        "$import_ms ms ÷ $plain_ms ms = $(ratio "$import_ms" "$plain_ms")" "≤ 10" "$(verdict "$(ratio "$import_ms" "$plain_ms")" "<=" 10)"
    bench_stop_servers
}

# The large tenant: P3 (palette) and P5 (list, detail, timeline).
bench_scale() {
    local server=$1 url slug base cookie
    url="$(ensure_owner_db dev bench_scale)"
    local have
    have="$(psql_admin dev -d bench_scale -c "SELECT count(*) FROM bench_plaintext_names" 2>/dev/null || echo 0)"
    if [ "$have" != "$BENCH_CONTACTS" ]; then
        say "seeding $BENCH_CONTACTS contacts and $BENCH_TENANTS small tenants (once; about 12 minutes per million)"
        url="$(bench_db bench_scale)"
        DATABASE_URL="$url" TESSERA_MASTER_KEY_FILE="$(dev_master_key)" RUST_LOG=warn \
            "$server" seed --contacts "$BENCH_CONTACTS" --tenants "$BENCH_TENANTS" --plaintext-names
        psql_admin dev -d bench_scale -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" \
            -c "CREATE INDEX bench_plaintext_trgm ON bench_plaintext_names USING gin ((first_name || ' ' || last_name) gin_trgm_ops)" \
            -c "VACUUM ANALYZE"
    fi
    slug="$(psql_admin dev -d bench_scale -c "SELECT slug FROM tenants WHERE slug ~ '^scale-[0-9a-f]{8}$'")"
    bench_server 3215 "$url" "$server"
    base=http://127.0.0.1:3215
    cookie="$(bench_cookie $base "$slug" "inhaberin@$slug.example")"
    local list_body='query%5Bq%5D=&query%5Bsort%5D=NewestFirst' ids
    ids="$(curl -s -b "$cookie" -H "Origin: $base" -d "$list_body" "$base/rpc/contacts/list" \
        | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)["items"]))')"
    local words=(M%C3%BCl Schmi Wagn Beck Hoff Sch%C3%A4f Koch Rich) plain=(Mül Schmi Wagn Beck Hoff Schäf Koch Rich)
    : >"$BENCH_OUT/p5-list.txt"; : >"$BENCH_OUT/p5-detail.txt"; : >"$BENCH_OUT/p5-timeline.txt"; : >"$BENCH_OUT/p3-palette.txt"
    local i id
    read -ra ids <<<"$ids"
    say "P5 and P3 at $BENCH_CONTACTS contacts"
    for ((i = 0; i < 200; i++)); do
        id=${ids[i % ${#ids[@]}]}
        bench_times $base "$cookie" /rpc/contacts/list "$list_body" 1 >>"$BENCH_OUT/p5-list.txt"
        bench_times $base "$cookie" /rpc/contacts/get "id=$id" 1 >>"$BENCH_OUT/p5-detail.txt"
        bench_times $base "$cookie" /rpc/timeline/list "query%5Brecord%5D=$id" 1 >>"$BENCH_OUT/p5-timeline.txt"
        bench_times $base "$cookie" /rpc/palette "q=${words[i % ${#words[@]}]}" 1 >>"$BENCH_OUT/p3-palette.txt"
    done
    local what
    for what in list detail timeline; do
        sort -n -o "$BENCH_OUT/p5-$what.txt" "$BENCH_OUT/p5-$what.txt"
        local p50 p95
        p50="$(pct 50 <"$BENCH_OUT/p5-$what.txt")" p95="$(pct 95 <"$BENCH_OUT/p5-$what.txt")"
        bench_row P5 "contact $what at $BENCH_CONTACTS contacts (+ $BENCH_TENANTS tenants), 200 requests: p50 / p95" "$p50 / $p95 ms" "≤ 5 / 20 ms" \
            "$(awk -v a="$p50" -v b="$p95" 'BEGIN { print (a <= 5 && b <= 20) ? "met" : "**missed**" }')"
    done
    # The plaintext reference: the same prefixes with pg_trgm, 25 runs each.
    : >"$BENCH_OUT/p3-trgm.txt"
    local word
    for word in "${plain[@]}"; do
        printf "SELECT first_name, last_name FROM bench_plaintext_names WHERE (first_name || ' ' || last_name) ILIKE '%%%s%%' LIMIT 6;\n" "$word" >"$BENCH_OUT/trgm.sql"
        rm -f "$BENCH_OUT"/trgm_log*
        (cd "$BENCH_OUT" && pgbench -n -c1 -t 25 -f trgm.sql -l --log-prefix=trgm_log "$url" >/dev/null 2>&1)
        cat "$BENCH_OUT"/trgm_log* | awk '{ printf "%.3f\n", $3 / 1000 }' >>"$BENCH_OUT/p3-trgm.txt"
    done
    sort -n -o "$BENCH_OUT/p3-palette.txt" "$BENCH_OUT/p3-palette.txt"
    sort -n -o "$BENCH_OUT/p3-trgm.txt" "$BENCH_OUT/p3-trgm.txt"
    local pal trgm
    pal="$(pct 95 <"$BENCH_OUT/p3-palette.txt")" trgm="$(pct 95 <"$BENCH_OUT/p3-trgm.txt")"
    bench_row P3 "palette type-ahead at $BENCH_CONTACTS contacts, 8 prefixes: p95 (whole request) ÷ pg_trgm p95 (query alone)" "$pal ms ÷ $trgm ms = $(ratio "$pal" "$trgm")" "≤ 2.0 and < 50 ms" \
        "$(awk -v a="$pal" -v r="$(ratio "$pal" "$trgm")" 'BEGIN { print (a < 50 && r <= 2) ? "met" : "**missed**" }')"
    bench_stop_servers
    bench_epoch_roll "$server"
}

# The daily erasure-epoch roll moves every live subject key under the new epoch's
# key: timed on a copy of the large database (1,000,000 contacts' keys and the small
# tenants'), once into a first epoch and once more into the next, as every day.
bench_epoch_roll() {
    local server=$1 url dir second t0 t1 ms
    say "erasure epoch roll over every subject key (a copy of the large database)"
    psql_admin dev -c "DROP DATABASE IF EXISTS bench_epoch WITH (FORCE)" -c "CREATE DATABASE bench_epoch TEMPLATE bench_scale OWNER tessera"
    url="${BENCH_DEMO_URL%/*}/bench_epoch" dir="$BENCH_OUT/erasure"
    rm -rf "$dir"; mkdir -p "$dir"; chmod 700 "$dir"
    bench_roll_once() { DATABASE_URL="$url" TESSERA_MASTER_KEY_FILE="$(dev_master_key)" TESSERA_ERASURE_DIR="$dir" RUST_LOG=warn "$server" keys roll-epoch | tail -1; }
    bench_roll_once >/dev/null
    t0=$(date +%s%N); second="$(bench_roll_once)"; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    local keys; keys="$(echo "$second" | sed -n 's/.*: \([0-9]*\) subject keys moved.*/\1/p')"
    bench_row "—" "daily erasure-epoch roll at $BENCH_CONTACTS contacts (+ $BENCH_TENANTS tenants): every subject key re-wrapped under the new epoch" \
        "$keys keys in $((ms / 1000)).$(( (ms % 1000) / 100 )) s ($(awk -v k="$keys" -v m="$ms" 'BEGIN { printf "%.0f", k / (m / 1000) }') keys/s)" "within its daily window" \
        "$([ -n "$keys" ] && [ "$ms" -lt 3600000 ] && echo met || echo "**missed**")"
    psql_admin dev -c "DROP DATABASE IF EXISTS bench_epoch WITH (FORCE)"
}

bench_report() {
    local seconds=$1 report="$BENCH_OUT/report.md"
    {
        echo "<!-- bench:begin (written by ./dev bench; edits here are overwritten) -->"
        echo "## Budgets of the performance issue, side by side (\`./dev bench\`)"
        echo
        echo "$(date -u +%Y-%m-%d), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo),"
        echo "PostgreSQL $(psql_admin dev -c 'SHOW server_version' | cut -d' ' -f1) (the \`./dev run\` cluster, durable), release build, load from \`wrk\` and \`pgbench\` on"
        echo "the same machine; the whole run took $((seconds / 60)) minutes. Reproduce with \`./dev bench\`"
        echo "(\`TESSERA_BENCH_CONTACTS\`, \`TESSERA_BENCH_SECONDS\` and \`TESSERA_BENCH_RSS_SECONDS\` shorten it)."
        echo
        echo "| id | measure | today | budget | |"
        echo "|---|---|---|---|---|"
        cat "$BENCH_OUT/rows.md"
        echo "<!-- bench:end -->"
    } >"$report"
    python3 - "$ROOT/docs/benchmarks.md" "$report" <<'EOF'
import re, sys
doc, report = open(sys.argv[1]).read(), open(sys.argv[2]).read().rstrip("\n")
pattern = re.compile(r"<!-- bench:begin.*?<!-- bench:end -->", re.S)
if pattern.search(doc):
    doc = pattern.sub(lambda _: report, doc)
else:
    head, _, rest = doc.partition("\n\n")
    doc = head + "\n\n" + report + "\n\n" + rest
open(sys.argv[1], "w").write(doc)
EOF
    cat "$report"
    say "written to $report and docs/benchmarks.md"
}
