#!/bin/bash
# s3-partition.sh BIN: four nodes on one LAN, discovery on.  Once the
# mesh is linked, the LAN is cut into {1,2} and {3,4}; notes are posted on
# both sides; the cut is healed; all four must converge.
#
# Two cuts, one after the other:
#   silent  the hub moves the ports of 3 and 4 to a second bridge: no node
#           sees a link go down, packets just vanish (a cable cut behind
#           a switch, an access point that stops forwarding)
#   down    the nodes' own interfaces (eth0 of 3 and 4) go down: carrier
#           lost, as when a laptop leaves the Wi-Fi; mDNS withdraws them
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s3-partition
CUT_SECS=${CUT_SECS:-12}
. "$(dirname "$0")/lib.sh"
mesh_setup

lan_new 1
H=$(nsname h1)
ip -n "$H" link add br1 type bridge stp_state 0 forward_delay 0 \
    mcast_snooping 0
ip -n "$H" link set br1 up
for i in 1 2 3 4; do
	node_new "$i"
	node_link "$i" 1 eth0
done
for i in 1 2 3 4; do node_start "$i"; done
for i in 1 2 3 4; do node_ready "$i"; done

# Linked: a note from each node on all four.
ids=()
for i in 1 2 3 4; do ids+=("$(node_post "$i" "s3: warm-up from $i")"); done
wait_ids 60 "${ids[@]}" -- 1 2 3 4 >/dev/null ||
    mesh_fail "the mesh did not link before the cut"

# Asserts each side has its own notes and not the other side's.
check_cut() {
	local l r
	sleep 2	# what would leak through, if anything does
	for n in 1 2; do
		[ "$(node_count "$n" "$1" "$2")" = 2 ] ||
		    mesh_fail "$3 cut: node $n lacks its side's notes"
		[ "$(node_count "$n" "$4" "$5")" = 0 ] ||
		    mesh_fail "$3 cut: node $n got notes across the cut"
	done
	for n in 3 4; do
		[ "$(node_count "$n" "$4" "$5")" = 2 ] ||
		    mesh_fail "$3 cut: node $n lacks its side's notes"
		[ "$(node_count "$n" "$1" "$2")" = 0 ] ||
		    mesh_fail "$3 cut: node $n got notes across the cut"
	done
}

# --- silent cut --------------------------------------------------------
ip -n "$H" link set p3eth0 master br1
ip -n "$H" link set p4eth0 master br1
tcut=$(date +%s.%N)
sleep 1
l1=$(node_post 1 "s3: silent cut, left 1")
l2=$(node_post 2 "s3: silent cut, left 2")
r1=$(node_post 3 "s3: silent cut, right 3")
r2=$(node_post 4 "s3: silent cut, right 4")
check_cut "$l1" "$l2" silent "$r1" "$r2"
left=$(( CUT_SECS - $(elapsed "$tcut" | cut -d. -f1) ))
[ "$left" -gt 0 ] && sleep "$left"
ip -n "$H" link set p3eth0 master br0
ip -n "$H" link set p4eth0 master br0
cut1=$(elapsed "$tcut")
s1=$(wait_ids 45 "$l1" "$l2" "$r1" "$r2" -- 1 2 3 4) ||
    mesh_fail "no convergence within 45 s of healing the silent cut"

# --- interface-down cut ------------------------------------------------
ip -n "$(nsname n3)" link set eth0 down
ip -n "$(nsname n4)" link set eth0 down
tcut=$(date +%s.%N)
sleep 1
l1=$(node_post 1 "s3: down cut, left 1")
l2=$(node_post 2 "s3: down cut, left 2")
# 3 and 4 cannot reach each other either now: post, and let the heal
# bring everything together.
r1=$(node_post 3 "s3: down cut, right 3")
r2=$(node_post 4 "s3: down cut, right 4")
sleep 2
for n in 1 2; do
	[ "$(node_count "$n" "$r1" "$r2")" = 0 ] ||
	    mesh_fail "down cut: node $n got notes across the cut"
done
left=$(( CUT_SECS - $(elapsed "$tcut" | cut -d. -f1) ))
[ "$left" -gt 0 ] && sleep "$left"
ip -n "$(nsname n3)" link set eth0 up
ip -n "$(nsname n4)" link set eth0 up
# Link-down removes the address routes; the address stays configured.
cut2=$(elapsed "$tcut")
s2=$(wait_ids 45 "$l1" "$l2" "$r1" "$r2" -- 1 2 3 4) || {
	for i in 1 2 3 4; do
		echo "  node $i peers:" >&2
		"$BIN" -d "${NODEDIR[$i]}" peers | sed 's/^/    /' >&2
	done
	mesh_fail "no convergence within 45 s of healing the down cut"
}
# What crossed after the down cut came in the rounds that caught the
# links up: each node's custody line names the node it came from by its
# key, proven whichever side called (nip42.h).
for n in 1 2 3 4; do
	for id in "$l1" "$l2" "$r1" "$r2"; do
		got=$(custody_of "$n" "$id")
		case $got in
		post\ *|peer\ npub1*) ;;
		*) mesh_fail "node $n's custody line for $id says '$got'," \
		    "not peer and a node's key" ;;
		esac
	done
done
echo "ok s3-partition: silent cut (${cut1}s) healed, converged in ${s1}s;" \
    "interface-down cut (${cut2}s) healed, converged in ${s2}s"
