#!/bin/sh
# run.sh: measures samizdat against the foundation goals and prints a report
# with each goal beside its figure.  Usage: run.sh BUILD_DIR (as `make bench`
# calls it: build/samizdat and build/tools/{gen,bench-verify,bench-query}).
#
#	BENCH_EVENTS	events to generate and import (default 100000)
#	BENCH_RUNS	timed runs per query shape (default 200)
#	BENCH_TIMEOUT	seconds allowed for each step (default 300 + N/500)
#	BENCH_PERF=1	also profile one import with perf and print where
#			the time goes, by library and by function
#	BENCH_TIME=proc	measure peak RSS by polling /proc even when GNU
#			time is installed
#	BENCH_NEG_1M=0	skip the NIP-77 figures at 1,000,000 events
#
# The generated events are cached in BUILD_DIR/bench/ (generating is not
# timed); stores live in a temp dir that is removed at the end.  This is
# not a test: a slow figure is reported, never failed.  Only a broken run
# (a command failing, rejected events, wrong counts) exits non-zero.
set -u

B=${1:-build}
N=${BENCH_EVENTS:-100000}
RUNS=${BENCH_RUNS:-200}
case $N in ''|*[!0-9]*) echo "bench: BENCH_EVENTS must be a number" >&2
	exit 2;; esac
case $RUNS in ''|*[!0-9]*) echo "bench: BENCH_RUNS must be a number" >&2
	exit 2;; esac
[ "$N" -ge 100 ] || { echo "bench: BENCH_EVENTS: at least 100" >&2; exit 2; }
TO=${BENCH_TIMEOUT:-$((300 + N / 500))}
GOAL_N=1000000

SZ=$B/samizdat GEN=$B/tools/gen BV=$B/tools/bench-verify BQ=$B/tools/bench-query
for t in "$SZ" "$GEN" "$BV"; do
	[ -x "$t" ] || { echo "bench: $t missing: run 'make bench'" >&2
		exit 1; }
done
# Until the Makefile's bench target builds it, build the query tool here.
[ -x "$BQ" ] || make --no-print-directory -s "$BQ" >&2 || BQ=""

W=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-bench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
trap 'rm -rf "$W"; exit 130' INT TERM
TIMEOUT=""
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout $TO"

# --- helpers -------------------------------------------------------------
die() {
	echo "bench: FAILED: $*"
	[ -s "$W/err" ] && sed 's/^/    /' "$W/err" | tail -20
	exit 1
}

now() {
	t=$(date +%s.%N 2>/dev/null)
	case $t in *[!0-9.]*|'') date +%s;; *) echo "$t";; esac
}

# calc EXPR [FORMAT]: floating-point arithmetic through awk.
calc() {
	awk "BEGIN { printf \"${2:-%.0f}\", $1 }"
}

# fmt N: 1234567 -> 1,234,567
fmt() {
	echo "$1" | awk '{ s = sprintf("%.0f", $1); o = "";
	    while (length(s) > 3) { o = "," substr(s, length(s) - 2) o;
	    s = substr(s, 1, length(s) - 3) } print s o }'
}

mb() {
	calc "$1 / 1048576" %.1f
}

# Peak RSS: GNU time's %M (the largest of the process and its children,
# from wait4), else polling VmHWM in /proc every 0.1 s.
RSS_HOW=proc
if [ "${BENCH_TIME:-}" != proc ] &&
    /usr/bin/time -f %M -o /dev/null true >/dev/null 2>&1; then
	RSS_HOW="time"
fi

# run_timed OUT CMD...: runs CMD, stdout to OUT, stderr to $W/err, within
# $TO seconds.  Sets RC, WALL (seconds), RSS (KiB) and CPU (user + system
# seconds, the process and its children; empty when GNU time is missing):
# CPU per event holds on a loaded machine where wall-clock rates do not.
run_timed() {
	out=$1
	shift
	t0=$(now)
	if [ $RSS_HOW = time ]; then
		# shellcheck disable=SC2086
		/usr/bin/time -f '%U %S %M' -o "$W/time" $TIMEOUT "$@" \
		    >"$out" 2>"$W/err"
		RC=$?
		WALL=$(calc "$(now) - $t0" %.3f)
		# A failing command adds a line before ours.
		# shellcheck disable=SC2046
		set -- $(tail -n 1 "$W/time")
		CPU=$(calc "$1 + $2" %.2f) RSS=$3
		return
	fi
	"$@" >"$out" 2>"$W/err" &
	pid=$!
	RSS=0 ticks=0 CPU=
	while :; do
		# shellcheck disable=SC2046
		set -- $(awk '/^State:/ { s = $2 } /^VmHWM:/ { h = $2 }
		    END { print s "x", h + 0 }' /proc/$pid/status 2>/dev/null)
		case $#${1:-} in 2Zx|2x|[!2]*) break;; esac
		[ "$2" -gt "$RSS" ] && RSS=$2
		ticks=$((ticks + 1))
		[ $ticks -gt $((TO * 10)) ] && kill $pid 2>/dev/null
		sleep 0.1
	done
	wait $pid
	RC=$?
	WALL=$(calc "$(now) - $t0" %.3f)
}

# import_summary: the counts from samizdat's "import: L lines: S stored,
# D duplicate, O older or deleted, E ephemeral ..., R rejected" line.
import_summary() {
	line=$(grep '^import: [0-9]* lines:' "$W/err" | tail -n 1)
	[ -n "$line" ] || die "import printed no summary"
	# shellcheck disable=SC2046
	set -- $(echo "$line" | tr -c '0-9.\n' ' ')
	I_LINES=$1 I_STORED=$2 I_DUP=$3 I_OLDER=$4 I_REJ=$6
}

# status 1|0: "met" or "NOT MET"
status() {
	[ "$1" = 1 ] && echo met || echo "NOT MET"
}

# --- 0. the events -------------------------------------------------------
mkdir -p "$B/bench" || exit 1
EV=$B/bench/events-$N.jsonl
# gen is deterministic and gen K prints the first K lines of gen N, so a
# cached file is good if its first lines are what gen prints now and it is
# complete (written to .tmp, then renamed).
if [ -s "$EV" ] && [ "$(wc -l <"$EV")" -eq "$N" ] &&
    [ "$(head -n 20 "$EV" | cksum)" = "$("$GEN" 20 | cksum)" ]; then
	how="cached"
else
	t0=$(now)
	$TIMEOUT "$GEN" "$N" >"$EV.tmp" 2>"$W/err" || { rm -f "$EV.tmp"
		die "$GEN $N"; }
	mv "$EV.tmp" "$EV" || exit 1
	how="generated in $(calc "$(now) - $t0" %.1f) s, not timed"
fi
JSONL=$(wc -c <"$EV")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
echo "samizdat bench: $(fmt "$N") events; $("$SZ" --version)"
echo "machine: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs" \
    "online${cpu:+ ($cpu)}; $(uname -sr)"
echo "events: $EV, $(fmt "$JSONL") bytes," \
    "$(calc "$JSONL / $N") B/event ($how)"
echo "peak RSS measured with: $([ $RSS_HOW = time ] &&
    echo "GNU time %M (wait4 ru_maxrss)" ||
    echo "VmHWM polled from /proc every 0.1 s (runs under 1 s" \
    "are under-sampled)")"
echo "each step is limited to $TO s (BENCH_TIMEOUT)"

# --- 1. verify ceiling ---------------------------------------------------
VN=$((N < 20000 ? N : 20000))
echo
echo "== 1. verify ceiling: libsecp256k1 BIP-340 verifies over $(fmt $VN)" \
    "of the events (bench-verify)"
$TIMEOUT "$BV" "$EV" $VN >"$W/v1" 2>"$W/err" || die "bench-verify"
V1=$(cat "$W/v1")
$TIMEOUT "$BV" "$EV" $VN >"$W/va" 2>"$W/err.a" &
pa=$!
$TIMEOUT "$BV" "$EV" $VN >"$W/vb" 2>"$W/err.b" &
pb=$!
if ! wait $pa || ! wait $pb; then
	cat "$W/err.a" "$W/err.b" >"$W/err"
	die "bench-verify (two in parallel)"
fi
VA=$(cat "$W/va") VB=$(cat "$W/vb")
V2=$((VA + VB))
CORES=$(calc "$V2 / $V1" %.2f)
printf '  one process           %12s verifies/s   (the import goal)\n' \
    "$(fmt "$V1")"
printf '  two processes at once %12s verifies/s   (%s + %s) = %sx one:' \
    "$(fmt $V2)" "$(fmt "$VA")" "$(fmt "$VB")" "$CORES"
echo " this machine computes like $(calc "$CORES" %.0f) core(s)"

# --- 2. import -----------------------------------------------------------
ST=$W/store
DB=$ST/events.db
echo
echo "== 2. import: samizdat import of the file into a new store" \
    "(default workers)"
run_timed /dev/null "$SZ" -d "$ST" import "$EV"
[ $RC -eq 0 ] || die "samizdat import (exit $RC)"
import_summary
[ "$I_LINES" -eq "$N" ] || die "import read $I_LINES lines of $N"
[ "$I_REJ" -eq 0 ] || die "import rejected $I_REJ events"
IMP_RSS=$RSS IMP_CPU=$CPU
IMP_RATE=$(calc "$N / ($WALL > 0 ? $WALL : 0.01)")
I_SUM="$(fmt "$I_LINES") lines: $(fmt "$I_STORED") stored, $I_DUP duplicate,"
I_SUM="$I_SUM $I_OLDER older, 0 rejected"
# The steady-state size: fold the WAL back into the database first.
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null \
	    2>"$W/err" || die "sqlite3 wal_checkpoint"
	ckpt="after wal_checkpoint(TRUNCATE)"
	STORED=$(sqlite3 "$DB" 'SELECT count(*) FROM events;')
else
	ckpt="WAL not checkpointed: no sqlite3 CLI"
	STORED=$I_STORED
fi
echo "  $I_SUM; $(fmt "$STORED") in the store (newer kind 0s replace older)"
IMP_GOAL=25000
IMP_OK=$([ "$IMP_RATE" -ge $IMP_GOAL ] && echo 1 || echo 0)
printf '  rate      %12s events/s in %s s   goal >= %s (issue 18): %s,' \
    "$(fmt "$IMP_RATE")" "$WALL" "$(fmt $IMP_GOAL)" "$(status "$IMP_OK")"
printf ' %sx; ceiling %s (both cores verifying, nothing else)\n' \
    "$(calc "$IMP_RATE / $IMP_GOAL" %.2f)" "$(fmt "$V2")"
printf '  one core  %12s verifies/s: the import runs at %sx one core\n' \
    "$(fmt "$V1")" "$(calc "$IMP_RATE / $V1" %.2f)"
if [ -n "$IMP_CPU" ]; then
	printf '  CPU       %12s us per event (user + system, all threads;' \
	    "$(calc "$IMP_CPU / $N * 1000000" %.1f)"
	printf ' load %s); verify alone %s us\n' "$(cut -d' ' -f1 /proc/loadavg)" \
	    "$(calc "1000000 / $V1" %.1f)"
fi
RSS_MB=$(calc "$IMP_RSS / 1024" %.1f)
if [ "$N" -ge $GOAL_N ]; then
	RSS_OK=$(calc "$IMP_RSS <= 64 * 1024")
	RSS_ST=$(status "$RSS_OK")
else
	RSS_ST="not measured at $(fmt "$N")"
fi
printf '  peak RSS  %12s MB          goal <= 64 MB at %s events: %s\n' \
    "$RSS_MB" "$(fmt $GOAL_N)" "$RSS_ST"
SIZE=$(wc -c <"$DB")
[ -f "$DB-wal" ] && SIZE=$((SIZE + $(wc -c <"$DB-wal")))
RATIO=$(calc "$SIZE / $JSONL" %.2f)
SIZE_OK=$(calc "$SIZE <= 1.6 * $JSONL")
printf '  store     %12s bytes       %s B per stored event (%s events),' \
    "$(fmt "$SIZE")" "$(calc "$SIZE / $STORED")" "$(fmt "$STORED")"
echo " events.db + -wal $ckpt"
printf '  store/JSONL %10sx             goal <= 1.6x: %s\n' "$RATIO" \
    "$(status "$SIZE_OK")"
if command -v sqlite3 >/dev/null 2>&1 &&
    sqlite3 "$DB" 'SELECT name, sum(pgsize) FROM dbstat GROUP BY name
    ORDER BY 2 DESC;' >"$W/dbstat" 2>/dev/null; then
	printf '  by table/index (dbstat, bytes per stored event):'
	awk -F'|' -v n="$STORED" '$2 >= 65536 { printf " %s %.0f,", $1, $2 / n }
	    $2 < 65536 { rest += $2 } END { printf " other %.0f\n", rest / n }' \
	    "$W/dbstat"
fi

# --- 3. re-import --------------------------------------------------------
echo
echo "== 3. re-import of the same file into the same store (all duplicates)"
run_timed /dev/null "$SZ" -d "$ST" import "$EV"
[ $RC -eq 0 ] || die "samizdat import, again (exit $RC)"
import_summary
if [ "$I_STORED" -ne 0 ] || [ "$I_REJ" -ne 0 ]; then
	die "re-import stored $I_STORED, rejected $I_REJ"
fi
RE_RATE=$(calc "$N / ($WALL > 0 ? $WALL : 0.01)")
printf '  rate      %12s events/s in %s s, peak RSS %s MB\n' \
    "$(fmt "$RE_RATE")" "$WALL" "$(calc "$RSS / 1024" %.1f)"

# --- 4. queries ----------------------------------------------------------
echo
Q_SLOW="-" Q_SLOW_MS=0
if [ -z "$BQ" ]; then
	echo "== 4. queries: skipped, $B/tools/bench-query could not be built"
else
	pk=$(sed -n '1s/.*"pubkey":"\([0-9a-f]\{64\}\)".*/\1/p' "$EV")
	eref=$(sed -n 's/.*\["e","\([0-9a-f]\{64\}\)"\].*/\1/p' "$EV" |
	    head -n 1)
	ids=$(awk -v step=$((N / 10)) 'NR >= nx && /"kind":1,/ {
	    match($0, /"id":"[0-9a-f]+"/); print "\"" substr($0, RSTART + 6, 64) "\""
	    nx += step; if (++c == 10) exit }' "$EV" | paste -s -d, -)
	since=$(awk -v m=$((N / 2)) 'NR == m {
	    match($0, /"created_at":[0-9]+/); print substr($0, RSTART + 13,
	    RLENGTH - 13); exit }' "$EV")
	if [ -z "$pk" ] || [ -z "$eref" ] || [ -z "$ids" ] ||
	    [ -z "$since" ]; then
		die "cannot pick pubkeys and ids from $EV"
	fi
	until=$((since + 3599))
	r1="{\"kinds\":[0],\"authors\":[\"$pk\"]}"
	r2='{"kinds":[1],"#t":["news"],"limit":50}'
	r3="{\"kinds\":[1,7],\"#p\":[\"$pk\"],\"limit\":50}"
	set -- \
	    latest '{"limit":100}' \
	    kind1 '{"kinds":[1],"limit":100}' \
	    author "{\"authors\":[\"$pk\"],\"limit\":100}" \
	    tag-t '{"#t":["news"],"limit":100}' \
	    tag-e "{\"#e\":[\"$eref\"],\"limit\":50}" \
	    ids10 "{\"ids\":[$ids]}" \
	    search '{"search":"almaty","limit":50}' \
	    hour "{\"since\":$since,\"until\":$until}" \
	    req3 "[$r1,$r2,$r3]"
	echo "== 4. queries: store_query on the $(fmt "$STORED")-event store," \
	    "read-only, up to $RUNS runs per shape (bench-query)"
	$TIMEOUT "$BQ" "$DB" "$RUNS" "$@" >"$W/q" 2>"$W/err" ||
	    die "bench-query"
	printf '  %-7s %6s %11s %11s %6s   %s\n' shape rows "median ms" \
	    "p99 ms" runs filter
	while [ $# -ge 2 ]; do
		filter=$(echo "$2" |
		    sed 's/\([0-9a-f]\{8\}\)[0-9a-f]\{56\}/\1../g')
		grep "^$1 " "$W/q" | awk -v f="$filter" '{ printf \
		    "  %-7s %6d %11.3f %11.3f %6d   %s\n", $1, $2, $3, $4, $5, f }'
		shift 2
	done
	# shellcheck disable=SC2046
	set -- $(sort -k3,3n "$W/q" | tail -n 1)
	Q_SLOW=$1 Q_SLOW_MS=$3
	echo "  (p99 over fewer than 100 runs is the slowest run; a shape" \
	    "stops after 5 s)"
fi

# --- 5. export -----------------------------------------------------------
echo
echo "== 5. export of the whole store to a file"
run_timed "$W/export.jsonl" "$SZ" -d "$ST" export
[ $RC -eq 0 ] || die "samizdat export (exit $RC)"
EXN=$(wc -l <"$W/export.jsonl")
[ "$EXN" -eq "$STORED" ] || die "export wrote $EXN events of $STORED"
EX_RATE=$(calc "$EXN / ($WALL > 0 ? $WALL : 0.01)")
printf '  rate      %12s events/s in %s s (%s events, %s MB),' \
    "$(fmt "$EX_RATE")" "$WALL" "$(fmt "$EXN")" \
    "$(mb "$(wc -c <"$W/export.jsonl")")"
printf ' peak RSS %s MB\n' "$(calc "$RSS / 1024" %.1f)"
rm -f "$W/export.jsonl"

# --- 6. import with one worker -------------------------------------------
echo
echo "== 6. import with one verify worker (import -j 1), new store"
run_timed /dev/null "$SZ" -d "$W/store1" import -j 1 "$EV"
[ $RC -eq 0 ] || die "samizdat import -j 1 (exit $RC)"
import_summary
[ "$I_REJ" -eq 0 ] || die "import -j 1 rejected $I_REJ events"
J1_RATE=$(calc "$N / ($WALL > 0 ? $WALL : 0.01)")
printf '  rate      %12s events/s in %s s, peak RSS %s MB\n' \
    "$(fmt "$J1_RATE")" "$WALL" "$(calc "$RSS / 1024" %.1f)"
rm -rf "$W/store1"

# --- 7. optional profile -------------------------------------------------
if [ "${BENCH_PERF:-0}" = 1 ]; then
	echo
	echo "== 7. perf profile of an import into a new store (self time)"
	if command -v perf >/dev/null 2>&1 &&
	    $TIMEOUT perf record -q -g -F 499 -o "$W/perf.data" -- \
	    "$SZ" -d "$W/store2" import "$EV" >/dev/null 2>"$W/err"; then
		echo "  by library:"
		perf report -i "$W/perf.data" --no-children --sort dso \
		    --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' |
		    head -n 10 | sed 's/^ */    /'
		echo "  by function (libraries without symbols are left out):"
		perf report -i "$W/perf.data" --no-children --sort dso,sym \
		    --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' |
		    grep -v '\] 0x[0-9a-f]*$' | head -n 25 | sed 's/^ */    /'
	else
		echo "  skipped: perf is missing or cannot record here"
	fi
	rm -rf "$W/store2" "$W/perf.data"
fi

# --- relay ---------------------------------------------------------------
echo
echo "== relay (samizdat serve on loopback; 20,000 events pipelined over one connection)"
if command -v node >/dev/null 2>&1 && [ -d "$(dirname "$0")/../test/interop/node_modules/ws" ]; then
	head -n 20000 "$EV" >"$W/relay.jsonl"
	timeout 600 node "$(dirname "$0")/relay.mjs" "$SZ" "$W/relay.jsonl" \
	    "$IMP_RATE" | sed 's/^/  /' || echo "  relay benchmark failed"
	rm -f "$W/relay.jsonl"
else
	echo "  skipped: run make check once first (it installs the node test packages)"
fi

# --- witness states ------------------------------------------------------
# A feed page's witness states (docs/witness.md): 200 reports, a hundred
# marks each, on a store of 100,000 reports and 200,000 marks.  The
# ceiling is the same index reads without the counting.
WR=${BENCH_WITNESS_REPORTS:-100000}
WL=${BENCH_WITNESS_LABELS:-$((WR * 2))}
echo
echo "== witness states: a page of 200 reports, $(fmt "$WR") reports and $(fmt "$WL") marks in the store"
W_MS="not measured"
W_OK=0
if [ -x "$B/tools/bench-witness" ]; then
	mkdir -p "$W/wit"
	if $TIMEOUT "$B/tools/bench-witness" "$W/wit" "$WR" "$WL" "$RUNS" \
	    >"$W/wq" 2>"$W/err"; then
		read -r _ WN WS <<EOF2
$(grep '^build ' "$W/wq")
EOF2
		read -r _ W_MS W_P99 _ <<EOF2
$(grep '^states ' "$W/wq")
EOF2
		read -r _ W_CEIL W_CP99 _ <<EOF2
$(grep '^ceiling ' "$W/wq")
EOF2
		W_OK=$(awk "BEGIN { print ($W_MS <= 50) ? 1 : 0 }")
		printf '  index built   %12s events in %s s (through ingest_store)\n' \
		    "$(fmt "$WN")" "$WS"
		printf '  states        %12s ms median, %s ms p99   goal <= 50 ms: %s\n' \
		    "$W_MS" "$W_P99" "$(status "$W_OK")"
		printf '  ceiling       %12s ms median, %s ms p99   (the index reads alone)\n' \
		    "$W_CEIL" "$W_CP99"
	else
		echo "  witness benchmark failed"
		sed 's/^/    /' "$W/err" | tail -5
	fi
	rm -rf "$W/wit"
else
	echo "  skipped: $B/tools/bench-witness is missing"
fi

# --- hostile clients ----------------------------------------------------
echo
echo "== hostile clients (samizdat serve on the imported store; issue 12)"
if command -v node >/dev/null 2>&1 && [ -d "$(dirname "$0")/../test/interop/node_modules/ws" ]; then
	timeout 600 node "$(dirname "$0")/hostile.mjs" "$SZ" "$ST" |
	    sed 's/^/  /' || echo "  hostile-client benchmark failed"
else
	echo "  skipped: run make check once first (it installs the node test packages)"
fi

# --- sync ----------------------------------------------------------------
echo
echo "== sync: two stores differing by 1% each way, data dir to data dir (NIP-77 in-process)"
sh "$(dirname "$0")/sync.sh" "$B" "$N" || echo "  sync benchmark failed"
echo "  (1,000,000 each with 1,000 differences: BENCH_SYNC_DIFF=500 sh bench/sync.sh $B 1000000)"

echo
echo "== NIP-77 rounds over WebSocket, both ends on the NIP-77 index (issue 18.4)"
echo " $(fmt "$N") events:"
sh "$(dirname "$0")/neg.sh" "$B" "$N" || echo "  NIP-77 benchmark failed"
if [ "${BENCH_NEG_1M:-1}" != 0 ] && [ "$N" -lt $GOAL_N ]; then
	echo " $(fmt $GOAL_N) events (generated once into $B/bench/; BENCH_NEG_1M=0 skips):"
	sh "$(dirname "$0")/neg.sh" "$B" $GOAL_N || echo "  NIP-77 benchmark failed"
fi

# --- summary -------------------------------------------------------------
echo
echo "== summary: $(fmt "$N") events"
row() {
	printf '  %-28s %-20s %-34s %s\n' "$1" "$2" "$3" "$4"
}
row figure measured goal status
row "import rate" "$(fmt "$IMP_RATE") ev/s" \
    ">= $(fmt $IMP_GOAL) ev/s (ceiling $(fmt "$V2"))" "$(status "$IMP_OK")"
row "peak RSS, import" "$RSS_MB MB" "<= 64 MB at $(fmt $GOAL_N) events" \
    "$([ "$N" -ge $GOAL_N ] && echo "$RSS_ST" || echo "not measured")"
[ -n "$IMP_CPU" ] && row "import CPU per event" \
    "$(calc "$IMP_CPU / $N * 1000000" %.1f) us" \
    "<= $(calc "2000000 / $IMP_GOAL" %.0f) us (2 cores at the goal)" ""
row "store / JSONL" "${RATIO}x" "<= 1.6x" "$(status "$SIZE_OK")"
row "store bytes per event" "$(calc "$SIZE / $STORED") B" \
    "($(calc "$JSONL / $N") B of JSONL)" ""
row "verify, 2 processes" "${CORES}x one" "(real cores for compute)" ""
row "import -j 1" "$(fmt "$J1_RATE") ev/s" "" ""
row "re-import (duplicates)" "$(fmt "$RE_RATE") ev/s" "" ""
row "export" "$(fmt "$EX_RATE") ev/s" "" ""
row "slowest query (median)" "$Q_SLOW $Q_SLOW_MS ms" "" ""
row "witness states, 200" "$W_MS ms" "<= 50 ms (ceiling ${W_CEIL:-?} ms)" "$(status "$W_OK")"
echo
if [ "$N" -lt $GOAL_N ]; then
	echo "The RSS goal is for $(fmt $GOAL_N) events; reproduce with:"
else
	echo "Reproduce with:"
fi
echo "  BENCH_EVENTS=$GOAL_N make bench"
