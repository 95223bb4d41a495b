#!/bin/bash
# s6-bulk.sh BIN [GEN]: a big catch-up in both directions of a link.
#   up    node 1 holds 5000 events and calls empty node 2 (static peer):
#         the events go up by EVENT in node 1's full sync, into node 2's
#         relay, which must not rate-limit a node like a phone
#   down  empty node 3 calls node 1: the events come down by REQ; node 3
#         must not push them back over the live link to node 1, where
#         they came from (its interface sends far less than it receives)
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s6-bulk
. "$(dirname "$0")/lib.sh"
GEN=${2:-$ROOT/build/tools/gen}
mesh_setup

[ -x "$GEN" ] || mesh_fail "no event generator at $GEN (make build/tools/gen)"
lan_new 1
for i in 1 2 3; do node_new "$i"; node_link "$i" 1 eth0; done
"$GEN" 5000 6 > "$T/events.jsonl" || mesh_fail gen
"$BIN" -q -d "${NODEDIR[1]}" import "$T/events.jsonl" > "$T/import.log" 2>&1 ||
    mesh_fail "import: $(cat "$T/import.log")"
count() {
	sqlite3 "file:$1/events.db?mode=ro" \
	    "PRAGMA busy_timeout=2000; SELECT count(*) FROM events;" \
	    2>/dev/null | tail -1
}
NEV=$(count "${NODEDIR[1]}")
node_conf 1 "peer = ws://$(addr 2 1):4848/"
node_conf 3 "peer = ws://$(addr 1 1):4848/"

# wait_count NODE SECS: until NODE holds NEV events; prints seconds.
wait_count() {
	local t0 got
	t0=$(date +%s.%N)
	for _ in $(seq $(($2 * 4))); do
		got=$(count "${NODEDIR[$1]}")
		[ "$got" = "$NEV" ] && { elapsed "$t0"; return 0; }
		sleep 0.25
	done
	echo "$got"
	return 1
}

node_start 2 --no-discovery
node_ready 2
node_start 1 --no-discovery
node_ready 1
up=$(wait_count 2 40) || {
	mesh_fail "up: node 2 has $up of $NEV events 40 s after node 1 called
$("$BIN" -d "${NODEDIR[1]}" peers)"
}

bytes() {
	ip -n "$(nsname "n$1")" -s -j link show eth0 |
	    jq ".[0].stats64.$2.bytes"
}
rx0=$(bytes 3 rx)
tx0=$(bytes 3 tx)
node_start 3 --no-discovery
node_ready 3
down=$(wait_count 3 40) ||
    mesh_fail "down: node 3 has $down of $NEV events after 40 s"
sleep 3		# what it would push back
rx=$(( $(bytes 3 rx) - rx0 ))
tx=$(( $(bytes 3 tx) - tx0 ))
sent=$("$BIN" -d "${NODEDIR[3]}" peers | awk '/^peer ws:/ {p = 1}
    p && /events/ {print $2; exit}')
# Downloading 5000 events costs some requests and acks going up, not the
# events themselves: allow a quarter of what came down.
[ "$tx" -lt $((rx / 4)) ] ||
    mesh_fail "down: node 3 received $rx bytes and sent $tx: it pushed $sent" \
    "of the $NEV events it downloaded back to node 1, where they came from"
echo "ok s6-bulk: $NEV events up (node 1 calls) in ${up}s, down (node 3" \
    "calls) in ${down}s; node 3 received $rx bytes, sent $tx"
