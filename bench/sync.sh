#!/bin/sh
# sync.sh: NIP-77 sync figures for `make bench`.  Two stores of N events
# that differ by 1% in each direction are synced (data dir to data dir,
# the sneakernet path); prints bytes against the floor (the JSON of the
# events that differ), rounds and time, and how long reconciling took
# beside reading the ids from the stores.
# Usage: sync.sh BUILD_DIR [N]   (BENCH_SYNC_EVENTS overrides N)
set -eu
B=$1
N=${2:-${BENCH_SYNC_EVENTS:-100000}}
SZ=$B/samizdat GEN=$B/tools/gen
D=${BENCH_SYNC_DIFF:-$((N / 100))}	# differing events per side
W=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-syncbench.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

"$GEN" $((N + D)) 77 >"$W/all.jsonl"
# Kind 0 events replace each other, which would blur the counts: drop them.
grep -v '"kind":0,' "$W/all.jsonl" >"$W/ev.jsonl"
M=$(wc -l <"$W/ev.jsonl")
BASE=$((M - 2 * D))
head -n "$BASE" "$W/ev.jsonl" >"$W/base.jsonl"
sed -n "$((BASE + 1)),$((BASE + D))p" "$W/ev.jsonl" >"$W/onlyA.jsonl"
sed -n "$((BASE + D + 1)),$((BASE + 2 * D))p" "$W/ev.jsonl" >"$W/onlyB.jsonl"
cat "$W/base.jsonl" "$W/onlyA.jsonl" | timeout 900 "$SZ" -q -d "$W/A" import - 2>/dev/null
cat "$W/base.jsonl" "$W/onlyB.jsonl" | timeout 900 "$SZ" -q -d "$W/B" import - 2>/dev/null
FLOOR=$(cat "$W/onlyA.jsonl" "$W/onlyB.jsonl" | wc -c)
FLOOR=$((FLOOR - 2 * D))		# without the newlines

out=$(timeout 900 "$SZ" -d "$W/A" sync "$W/B" 2>&1 | tail -n 1)
echo "  $BASE shared events, $D only in A, $D only in B"
echo "  $out" | sed "s|$W/||"
bytes=$(echo "$out" | sed -n 's/.*; \([0-9]*\) bytes (\([0-9]*\) negentropy).*/\1/p')
negb=$(echo "$out" | sed -n 's/.*; \([0-9]*\) bytes (\([0-9]*\) negentropy).*/\2/p')
rounds=$(echo "$out" | sed -n 's/.* \([0-9]*\) rounds.*/\1/p')
tread=$(echo "$out" | sed -n 's/.*ids read in \([0-9.]*\) s.*/\1/p')
tneg=$(echo "$out" | sed -n 's/.*reconciled in \([0-9.]*\) s.*/\1/p')
awk -v b="$bytes" -v f="$FLOOR" -v n="$negb" -v r="$rounds" -v tr="$tread" \
    -v tn="$tneg" 'BEGIN {
	printf "  bytes: %d = %.3fx the floor of %d (negentropy %d); goal <= 1.25x: %s\n",
	    b, b / f, f, n, (b <= 1.25 * f ? "met" : "NOT MET")
	printf "  rounds of reconciliation: %d; goal <= 4: %s\n", r,
	    (r <= 4 ? "met" : "NOT MET")
	printf "  reconciliation %.3f s beside reading the ids %.3f s: %s\n",
	    tn, tr, (tn <= tr ? "met" : "NOT MET")
}'
a=$("$SZ" -d "$W/A" export | sort | cksum)
b=$("$SZ" -d "$W/B" export | sort | cksum)
[ "$a" = "$b" ] && echo "  the two stores are identical after the sync" ||
    { echo "  the stores differ after the sync" >&2; exit 1; }
