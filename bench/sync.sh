#!/bin/sh
# sync.sh: NIP-77 sync figures for `make bench`.  Two stores of N events
# that differ by 1% in each direction are synced, data dir to data dir
# (the sneakernet path) and node to node over WebSocket (the mesh's and
# the CLI's path, permessage-deflate on); prints bytes against the floor
# (the JSON of the events that differ), rounds and time, and how long
# reconciling took beside reading the ids from the stores.
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
# Node keys: a node's uploads are not held to the created_at window.
"$SZ" -q -d "$W/A" init >/dev/null
"$SZ" -q -d "$W/B" init >/dev/null
cp -r "$W/A" "$W/wA"
cp -r "$W/B" "$W/wB"

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

# The same two stores over WebSocket: B serves, A syncs with it.
PORT=$((20000 + $$ % 20000))
"$SZ" -q -d "$W/wB" serve --listen "127.0.0.1:$PORT" --no-discovery \
    >"$W/serve.log" 2>&1 &
spid=$!
i=0
while [ $i -lt 100 ] && ! "$SZ" -q -d "$W/wA" sync --timeout 5 --down \
    --filter '{"limit":0,"kinds":[65535]}' "ws://127.0.0.1:$PORT/" \
    >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
out=$(timeout 900 "$SZ" -d "$W/wA" sync "ws://127.0.0.1:$PORT/" 2>&1 | tail -n 1)
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
echo "  over WebSocket: $out" | sed "s|$W/||"
wire=$(echo "$out" | sed -n 's/.*(\([0-9]*\) on the wire).*/\1/p')
msgs=$(echo "$out" | sed -n 's/.*; \([0-9]*\) bytes (.*/\1/p')
awk -v w="$wire" -v m="$msgs" -v f="$FLOOR" 'BEGIN {
	printf "  wire bytes: %d = %.3fx the floor of %d (messages %d = %.3fx); goal <= 1.25x: %s; strfry 1.62x (measured by the issue)\n",
	    w, w / f, f, m, m / f, (w > 0 && w <= 1.25 * f ? "met" : "NOT MET")
}'
