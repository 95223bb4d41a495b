#!/bin/sh
# neg.sh: NIP-77 over WebSocket between a node and a relay whose sets are
# identical, then differ by D events spread over the whole time range --
# the mesh's periodic round.  Both ends read their NIP-77 index
# (store_neg.h), so a round costs what differs, not the store.  Prints
# wall time, CPU at each end, message and wire bytes and round trips
# beside the goals of issue 18 and strfry's figures measured there.
# Usage: neg.sh BUILD_DIR [N]   (BENCH_NEG_EVENTS overrides N)
#
#	BENCH_NEG_DIFF	differing events (default 1000)
#	BENCH_NEG_RUNS	syncs timed per case (default 5; the best is shown)
#
# The events are generated once and cached in BUILD_DIR/bench/; one store
# is imported, the others are copies.  Bounded: every step has a timeout.
set -u
B=$1
N=${2:-${BENCH_NEG_EVENTS:-100000}}
D=${BENCH_NEG_DIFF:-1000}
R=${BENCH_NEG_RUNS:-5}
SZ=$B/samizdat GEN=$B/tools/gen
TO=$((300 + N / 300))
W=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-negbench.XXXXXX") || exit 1
spid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

calc() { awk "BEGIN { printf \"${2:-%.0f}\", $1 }"; }
now() { date +%s.%N; }
# cpu PID: user + system seconds of a running process.
cpu() {
	awk -v t="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / t }' \
	    "/proc/$1/stat"
}
met() { [ "$1" = 1 ] && echo met || echo "NOT MET"; }

mkdir -p "$B/bench"
EV=$B/bench/events-$N.jsonl
if [ ! -s "$EV" ]; then
	timeout "$TO" nice "$GEN" "$N" >"$EV.tmp" && mv "$EV.tmp" "$EV" ||
	    { echo "  gen failed"; exit 1; }
fi
# Every (N/D)-th event is held back from the relay's copy: D differences
# spread over the whole time range.
K=$((N / D))
[ "$K" -ge 2 ] || { echo "  BENCH_NEG_DIFF too large for $N events"; exit 1; }
awk -v k="$K" 'NR % k != 0' "$EV" >"$W/base.jsonl"
awk -v k="$K" 'NR % k == 0' "$EV" | head -n "$D" >"$W/diff.jsonl"
t0=$(now)
timeout "$TO" "$SZ" -q -d "$W/A" import "$W/base.jsonl" >/dev/null 2>&1 ||
    { echo "  import failed"; exit 1; }
echo "  $(wc -l <"$W/base.jsonl") events imported in $(calc "$(now) - $t0" %.1f) s; the relay's store is a copy"
cp -r "$W/A" "$W/B"
# No node keys: a plain NIP-77 client, as strfry's sync is (a mesh round
# adds NIP-42 AUTH, some 360 bytes on the wire).
rm -f "$W/base.jsonl"

PORT=$((20000 + $$ % 20000))
"$SZ" -q -d "$W/B" serve --listen "127.0.0.1:$PORT" --no-discovery \
    >"$W/serve.log" 2>&1 &
spid=$!
i=0
while [ $i -lt 100 ] && ! "$SZ" -q -d "$W/A" sync --timeout 5 --down \
    --filter '{"limit":0,"kinds":[65535]}' "ws://127.0.0.1:$PORT/" \
    >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
# The relay's first round after it starts loads its NIP-77 index's blocks
# (N / 32 rows), and its first seconds do one-off work (a scan of the
# custody log for its daily roots: every line of the import): the
# first round is timed alone, then the relay is let go idle, and the
# periodic round -- a node that has run for a while -- is what follows.
s0=$(cpu "$spid") t0=$(now)
timeout 120 "$SZ" -d "$W/A" sync --down "ws://127.0.0.1:$PORT/" >/dev/null 2>&1
FIRST_WALL=$(calc "$(now) - $t0" %.3f) FIRST_CPU=$(calc "$(cpu "$spid") - $s0" %.3f)
i=0 c0=-1
while [ $i -lt 40 ] && [ "$(cpu "$spid")" != "$c0" ]; do
	c0=$(cpu "$spid")
	sleep 0.5
	i=$((i + 1))
done
# A process start on this machine, for scale: the CLI's fixed cost.
best_start=999
for i in 1 2 3; do
	t0=$(now)
	"$SZ" --version >/dev/null 2>&1
	best_start=$(calc "$(now) - $t0 < $best_start ? $(now) - $t0 : $best_start" %.3f)
done

# run NAME: R syncs of A with the relay, down only (reconciliation, no
# transfer); sets BEST (wall), CCPU and SCPU (per sync), LINE.
run() {
	BEST=999 CCPU=0 s0=$(cpu "$spid") c0=0
	for i in $(seq "$R"); do
		t0=$(now)
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%U %S' -o "$W/t" timeout 120 "$SZ" -d "$W/A" \
			    sync --down "ws://127.0.0.1:$PORT/" >"$W/out" 2>&1
		else
			timeout 120 "$SZ" -d "$W/A" sync --down \
			    "ws://127.0.0.1:$PORT/" >"$W/out" 2>&1
			echo "0 0" >"$W/t"
		fi
		t=$(calc "$(now) - $t0" %.3f)
		BEST=$(calc "$t < $BEST ? $t : $BEST" %.3f)
		CCPU=$(awk -v c="$CCPU" '{ printf "%.3f", c + $1 + $2 }' "$W/t")
	done
	SCPU=$(calc "($(cpu "$spid") - $s0) / $R" %.3f)
	CCPU=$(calc "$CCPU / $R" %.3f)
	LINE=$(grep '^sync ' "$W/out" | tail -n 1)
	MSGB=$(echo "$LINE" | sed -n 's/.*; \([0-9]*\) bytes (.*/\1/p')
	WIRE=$(echo "$LINE" | sed -n 's/.*(\([0-9]*\) on the wire).*/\1/p')
	ROUNDS=$(echo "$LINE" | sed -n 's/.* \([0-9]*\) rounds.*/\1/p')
	HAVE=$(echo "$LINE" | sed -n 's/.*have \([0-9]*\),.*/\1/p')
	READS=$(echo "$LINE" | sed -n 's/.* \([0-9]*\) index rows read.*/\1/p')
}

echo "  identical sets of $N events, $R syncs (sync --down against serve):"
echo "    the relay's first round after it started: wall $FIRST_WALL s," \
    "relay CPU $FIRST_CPU s (its index's blocks loaded; then idle)"
run
echo "    $LINE" | sed "s|$W/||"
echo "    wall $BEST s best (a process start here: $best_start s);" \
    "CPU $CCPU s node + $SCPU s relay per sync"
printf '    index rows read by the node: %s of %s events: goal no scan: %s\n' \
    "$READS" "$N" "$(met "$([ "${READS:-$N}" -lt $((N / 10)) ] && echo 1)")"
printf '    round trips %s: goal 1: %s\n' "$ROUNDS" \
    "$(met "$([ "${ROUNDS:-9}" -le 1 ] && echo 1)")"
printf '    bytes %s of messages: goal <= 1 KB: %s; %s on the wire with the HTTP upgrade (strfry 973)\n' \
    "$MSGB" "$(met "$([ "${MSGB:-99999}" -le 1024 ] && echo 1)")" "$WIRE"
printf '    CPU both ends %s s: goal <= strfry 0.06 s: %s\n' \
    "$(calc "$CCPU + $SCPU" %.3f)" \
    "$(met "$(calc "$CCPU + $SCPU <= 0.06")")"
printf '    wall %s s: goal <= strfry 0.09-0.11 s: %s (was 0.36-0.41 s at 102k)\n' \
    "$BEST" "$(met "$(calc "$BEST <= 0.11")")"

"$SZ" -d "$W/A" import "$W/diff.jsonl" >"$W/imp" 2>&1 ||
    { echo "  import of the differences failed"; exit 1; }
# Some are profile updates older than the stored one: not stored.
GOT=$(sed -n 's/.*lines: \([0-9]*\) stored.*/\1/p' "$W/imp" | tail -n 1)
echo "  $D differences spread over the $N (the node has them, the relay not):"
run
echo "    $LINE" | sed "s|$W/||"
echo "    wall $BEST s best; CPU $CCPU s node + $SCPU s relay per sync"
printf '    found %s of the %s stored; round trips %s: goal <= 2 log16(N) = %s: %s\n' \
    "$HAVE" "$GOT" "$ROUNDS" "$(calc "2 * log($N) / log(16)" %.0f)" \
    "$(met "$([ "${HAVE:-0}" = "$GOT" ] && [ "${ROUNDS:-99}" -le "$(calc "2 * log($N) / log(16)" %.0f)" ] && echo 1)")"
printf '    bytes %s of messages = %s per difference\n' "$MSGB" \
    "$(calc "$MSGB / $D" %.0f)"
printf '    index rows read by the node: %s = %s per difference (log2 N = %s): goal O(d log N), under the N a whole read costs: %s\n' \
    "$READS" "$(calc "${READS:-0} / $D" %.0f)" "$(calc "log($N) / log(2)" %.0f)" \
    "$(met "$([ "${READS:-$N}" -lt "$N" ] && echo 1)")"
