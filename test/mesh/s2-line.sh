#!/bin/bash
# s2-line.sh BIN: a line A - B - C.  A and B share LAN 1, B and C LAN 2;
# B has an interface on each and does not route, so A and C cannot reach
# each other.  Discovery on, no static peers.  A note posted on A must
# reach C, and one posted on C reach A: store and forward through B.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s2-line
. "$(dirname "$0")/lib.sh"
mesh_setup

lan_new 1
lan_new 2
for i in 1 2 3; do node_new "$i"; done
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

# Only B may know both; A and C must not have found each other.
for pair in "1 3" "3 1"; do
	set -- $pair
	other=$("$BIN" -d "${NODEDIR[$2]}" key show | head -1)
	if "$BIN" -d "${NODEDIR[$1]}" peers | grep -q "$other"; then
		mesh_fail "node $1 lists node $2, which it cannot reach"
	fi
done
echo "ok s2-line: A's note on C and C's on A in ${secs}s" \
    "($(elapsed "$t0")s from start), through B"
