#!/bin/bash
# s2-line.sh BIN: a line A - B - C.  A and B share LAN 1, B and C LAN 2;
# B has an interface on each and does not route, so A and C cannot reach
# each other.  Discovery on, no static peers.  A note posted on A must
# reach C, and one posted on C reach A: store and forward through B.  A
# and B, with peer_sync_interval = 10, run a full round every interval
# while their live link stays up and idle (the NIP-77 index makes a round
# between identical sets cheap, so none is skipped).  The side that
# called runs the rounds: whichever found the other first.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s2-line
. "$(dirname "$0")/lib.sh"
mesh_setup

lan_new 1
lan_new 2
for i in 1 2 3; do node_new "$i"; done
node_conf 1 "peer_sync_interval = 10"
node_conf 2 "peer_sync_interval = 10"
node_link 1 1 eth0		# A
node_link 2 1 eth0		# B, LAN 1
node_link 2 2 eth1		# B, LAN 2
node_link 3 2 eth0		# C
ip netns exec "$(nsname n2)" sysctl -qw net.ipv4.ip_forward=0
ip netns exec "$(nsname n2)" sysctl -qw net.ipv6.conf.all.forwarding=0

# A and C really cannot reach each other.
ip netns exec "$(nsname n1)" ping -c1 -W1 "$(addr 3 2)" >/dev/null 2>&1 &&
    mesh_fail "A can reach C: the line is not a line"

t0=$(date +%s.%N)
for i in 1 2 3; do node_start "$i"; done
for i in 1 2 3; do node_ready "$i"; done

a=$(node_post 1 "s2: from A, for C")
c=$(node_post 3 "s2: from C, for A")
secs=$(wait_ids 60 "$a" "$c" -- 1 2 3) ||
    mesh_fail "the notes of A and C did not cross B within 60 s"

# Each hop's custody line names the node it came from by its key, on
# the side that called (the called node proved its key, nip42.h) as on
# the side that was called (the caller's NIP-42 AUTH).
for hop in "2 $a 1" "3 $a 2" "2 $c 3" "1 $c 2"; do
	set -- $hop
	got=$(custody_of "$1" "$2")
	[ "$got" = "peer $(node_npub "$3")" ] ||
	    mesh_fail "node $1's custody line for $2 says '$got'," \
	    "not peer and node $3's key"
done

# Only B may know both; A and C must not have found each other.
for pair in "1 3" "3 1"; do
	set -- $pair
	other=$("$BIN" -d "${NODEDIR[$2]}" key show | head -1)
	if "$BIN" -d "${NODEDIR[$1]}" peers | grep -q "$other"; then
		mesh_fail "node $1 lists node $2, which it cannot reach"
	fi
done

# The periodic rounds between A and B: after the first (on connecting),
# two more within 45 s, as A records them (A called) or B does (B called;
# only B's link to A counts, not its rounds with C).
a_npub=$("$BIN" -d "${NODEDIR[1]}" key show | head -1)
last_sync() {
	local a b
	a=$(sqlite3 -readonly "file:${NODEDIR[1]}/events.db?mode=ro" \
	    "PRAGMA busy_timeout=2000; SELECT max(last_sync) FROM links;" \
	    2>/dev/null | tail -1)
	b=$(sqlite3 -readonly "file:${NODEDIR[2]}/events.db?mode=ro" \
	    "PRAGMA busy_timeout=2000; SELECT max(last_sync) FROM links
	     WHERE npub = '$a_npub';" 2>/dev/null | tail -1)
	a=${a:-0} b=${b:-0}
	echo $((a > b ? a : b))
}
s0=0
for _ in $(seq 60); do
	s0=$(last_sync)
	[ -n "$s0" ] && [ "$s0" -gt 0 ] && break
	sleep 0.5
done
[ -n "$s0" ] && [ "$s0" -gt 0 ] ||
    mesh_fail "A and B have no full round within 30 s of the notes"
s1=$s0
for _ in $(seq 90); do
	s1=$(last_sync)
	[ -n "$s1" ] && [ "$s1" -ge $((s0 + 20)) ] && break
	sleep 0.5
done
[ -n "$s1" ] && [ "$s1" -ge $((s0 + 20)) ] ||
    mesh_fail "the last full round of A and B moved $((s1 - s0)) s in 45 s," \
    "want two rounds 10 s apart: periodic rounds are skipped"
echo "ok s2-line: A's note on C and C's on A in ${secs}s" \
    "($(elapsed "$t0")s from start), through B; A and B's rounds" \
    "every 10 s while live"
