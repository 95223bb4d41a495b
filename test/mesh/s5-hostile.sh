#!/bin/bash
# s5-hostile.sh BIN: two honest nodes (1, 2) and a hostile host (3) on one
# LAN, discovery on.  The hostile host (hostile.mjs) connects to node 1's
# relay, sends forged events (as a client and as a self-declared node),
# then floods 5000 valid events as fast as it can over 20 connections
# (the rate limit, events_per_minute, is per connection).  During the flood a
# note posted on each honest node must reach the other within a few
# seconds; every forged event must be refused with "invalid:", and none
# may be stored on either node.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s5-hostile
FLOOD=${FLOOD:-5000}
CONNS=${CONNS:-20}
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
mesh_setup

command -v node >/dev/null || mesh_fail "node (Node.js) is not installed"
[ -d "$ROOT/test/interop/node_modules/ws" ] ||
    mesh_fail "test/interop/node_modules is missing: run 'npm ci' there"

lan_new 1
for i in 1 2; do node_new "$i"; node_link "$i" 1 eth0; done
ns_new n3
node_link 3 1 eth0
for i in 1 2; do node_start "$i"; done
for i in 1 2; do node_ready "$i"; done

w1=$(node_post 1 "s5: warm-up 1")
w2=$(node_post 2 "s5: warm-up 2")
wait_ids 30 "$w1" "$w2" -- 1 2 >/dev/null ||
    mesh_fail "the honest nodes did not link"

# The flood events node 1 took are valid: how many went on to node 2.
nflood() {
	SAMIZDAT_DIR=${NODEDIR[$1]} "$BIN" -q query \
	    '{"#t":["flood"],"limit":100000}' | grep -c '"id"'
}
F1=0
F2=0

# flood_round LABEL CONNS AS_NODE(0|1)
flood_round() {
R=$T/hostile-$1.json
ip netns exec "$(nsname n3)" env FLOOD_AS_NODE=$3 timeout 90 node \
    "$HERE/hostile.mjs" "ws://$(addr 1 1):4848/" "$R" "$FLOOD" "$2" \
    > "$T/hostile-$1.log" 2>&1 &
hpid=$!
PIDS+=("$hpid")
for _ in $(seq 300); do
	[ -e "$R.flooding" ] && break
	kill -0 "$hpid" 2>/dev/null ||
	    mesh_fail "$1 flood: hostile.mjs ended early: $(cat "$T/hostile-$1.log")"
	sleep 0.1
done
[ -e "$R.flooding" ] || mesh_fail "$1 flood: the flood did not start in 30 s"

# Honest traffic during the flood, both ways.
sleep 0.3
h1=$(node_post 1 "s5: honest note from 1 during the $1 flood")
h2=$(node_post 2 "s5: honest note from 2 during the $1 flood")
secs=$(wait_ids 8 "$h1" "$h2" -- 1 2) ||
    mesh_fail "$1 flood: honest notes did not cross within 8 s during the flood"
flood_running=no
kill -0 "$hpid" 2>/dev/null && flood_running=yes

wait "$hpid" || mesh_fail "$1 flood: hostile.mjs failed: $(cat "$T/hostile-$1.log")"
[ -s "$R" ] || mesh_fail "$1 flood: hostile.mjs wrote no result"

# Every forged event refused with "invalid:".
nforged=$(jq '.forged | length' "$R")
bad=$(jq -r '.forged[] | select(.answer == null or .answer.ok != false or
    (.answer.msg | startswith("invalid:") | not)) |
    "\(.id) as node: \(.asNode): \(.answer)"' "$R")
[ "$nforged" = 20 ] && [ -z "$bad" ] ||
    mesh_fail "$1 flood: forged events not refused as invalid ($nforged sent): $bad"
ids=$(jq -r '.forged[].id' "$R")
for n in 1 2; do
	c=$(node_count "$n" $ids)
	[ "$c" = 0 ] || mesh_fail "$1 flood: node $n stored $c forged events"
done
reason=$(jq -r '.forged[0].answer.msg' "$R")
nodeauth=$(jq -c '.nodeAuth' "$R")

# What the flood did.
read -r acc lim oth ans send ansms closed < <(jq -r '.flood |
    "\(.accepted) \(.limited) \(.otherNo) \(.answered) \(.sendMs)
    \(.answerMs) \(.closedBy)"' "$R" | tr '\n' ' ')
[ "$oth" = 0 ] || mesh_fail "$1 flood: flood: $oth events refused for other reasons:
$(jq -c .flood.reasons "$R")"
# Node 1 is still answering.
h3=$(node_post 2 "s5: after the $1 flood")
after=$(wait_ids 10 "$h3" -- 1 2) ||
    mesh_fail "$1 flood: a note after the flood did not reach node 1"
f1=$(( $(nflood 1) - F1 ))
f2=$(( $(nflood 2) - F2 ))
F1=$((F1 + f1))
F2=$((F2 + f2))

echo "ok s5-hostile ($1 flood): 20 forged events refused (\"${reason%%:*}:\"," \
    "node AUTH by a stranger's key: $nodeauth), none stored;" \
    "flood of $FLOOD over $2 connection(s) sent in ${send} ms:" \
    "$acc accepted, $lim rate-limited," \
    "$ans answered in ${ansms} ms (closed: $closed);" \
    "honest notes crossed in ${secs}s during the flood (flood still" \
    "running: $flood_running); after it in ${after}s;" \
    "flood events stored: $f1 on node 1, $f2 on node 2"
}

flood_round client "$CONNS" 0
# A stranger that claims to be a node (any key passes the NIP-42
# handshake) gets node_events_per_minute instead of events_per_minute.
flood_round self-declared-node 1 1
