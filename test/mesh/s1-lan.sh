#!/bin/bash
# s1-lan.sh BIN: five nodes on one LAN, discovery on, no static peers.  A
# note posted on each node reaches all five; `samizdat peers` on node 1
# lists the four others as found by mdns; `samizdat status ID` on the
# origin names at least one peer that holds the note.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s1-lan
. "$(dirname "$0")/lib.sh"
mesh_setup

N=5
lan_new 1
for i in $(seq $N); do
	node_new "$i"
	node_link "$i" 1 eth0
done
t0=$(date +%s.%N)
for i in $(seq $N); do node_start "$i"; done
for i in $(seq $N); do node_ready "$i"; done

ids=()
for i in $(seq $N); do
	ids+=("$(node_post "$i" "s1: hello from node $i on the LAN")")
done
secs=$(wait_ids 60 "${ids[@]}" -- $(seq $N)) ||
    mesh_fail "5 notes did not reach all 5 nodes within 60 s"
total=$(elapsed "$t0")

# Node 1 should know the four others, found by mDNS.
found=$("$BIN" -d "${NODEDIR[1]}" peers | grep -c "found by  mdns")
[ "$found" -ge $((N - 1)) ] ||
    mesh_fail "node 1 lists $found peers found by mdns, want $((N - 1)):
$("$BIN" -d "${NODEDIR[1]}" peers)"

# The origin says where its note went: a peer it pushed the note to
# (accepted by), one that sent it back (received from) or one that called
# us and took it (sent to).  The records are written in batches, and a
# link that came up late catches up in its next round, so allow 30 s.
st=
for _ in $(seq 120); do
	st=$("$BIN" -d "${NODEDIR[1]}" status "${ids[0]}" 2>&1)
	echo "$st" | grep -q "npub1" && break
	sleep 0.25
done
echo "$st" | grep -q "npub1" ||
    mesh_fail "status on the origin names no peer:
$st
peers of node 1:
$("$BIN" -d "${NODEDIR[1]}" peers)"
npeers=$(echo "$st" | grep -c npub1)
echo "ok s1-lan: 5 notes on 5 nodes in ${secs}s after posting" \
    "(${total}s from start); node 1 found $found peers by mdns;" \
    "status names $npeers peer(s)"
