#!/bin/bash
# s7-mdns-flood.sh BIN: a hostile host (10.88.1.19) on the LAN announces
# fake nodes over mDNS (test/tools/mdns-flood: FAKES services, each with
# its own random npub and port), and real nodes must still link.
#
#   1. Node 1 runs; the host announces FAKES fakes at its own address.
#      Once node 1 has seen them, node 2 starts; its key sorts after
#      node 1's, so node 1 has to be the one to call (the higher npub
#      waits 15 s).  Node 1 must call node 2, and a note posted on each
#      must reach the other within 10 s of node 2 listening.  Node 1
#      keeps at most 4 of the fakes per address (the host has two: IPv4
#      and IPv6 link-local).
#   2. The host withdraws them (goodbye packets) and announces FAKES
#      others, each at an address of its own (10.89.x.y, where nobody
#      answers): more than node 1's table of 256 links holds.  The table
#      stays bounded, node 2's link survives, and node 3 (sorting after
#      node 1 too) is found by node 1 and kept in its table; the time to
#      link is reported against the 10 s goal, not asserted (a loaded
#      machine drops mDNS datagrams in this flood).  The first fakes are
#      forgotten 30 s after their goodbye.
#   3. The host withdraws the second fakes; node 1 forgets them too, and
#      `samizdat peers` lists only the real nodes.
#
# One flood at a time: two floods of 300 on a 2-core machine already
# overrun the receive buffers of every node's mDNS socket, and avahi-core
# recovers lost answers only slowly (docs/discovery.md, "Floods").
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s7-mdns-flood
FAKES=${FAKES:-300}
LINK_S=10	# the goal: a real node linked this soon after it starts
. "$(dirname "$0")/lib.sh"
FLOOD=${FLOOD_BIN:-$ROOT/build/tools/mdns-flood}
export LC_ALL=C		# npubs compare as strcmp does
mesh_setup

[ -x "$FLOOD" ] || mesh_fail "no $FLOOD: make build/tools/mdns-flood"
H=10.88.1.19		# the hostile host: "node" 9

npub() { SAMIZDAT_DIR=${NODEDIR[$1]} "$BIN" -q key show | head -1; }

# node_above N M: a new key for N until its npub sorts after M's.
node_above() {
	local i
	for i in $(seq 300); do
		[[ "$(npub "$1")" > "$(npub "$2")" ]] && return 0
		SAMIZDAT_DIR=${NODEDIR[$1]} "$BIN" -q key new --force \
		    >/dev/null || mesh_fail "key new for node $1"
	done
	mesh_fail "no key for node $1 above node $2's"
}

# rows GLOB [kept]: node 1's rows of links found by mDNS whose URL
# matches GLOB (the fakes of one flood, by their ports, over IPv4 and
# IPv6); kept: those still in its table (not expired or evicted).
rows() {
	sqlite3 "${NODEDIR[1]}/events.db" "SELECT count(*) FROM links WHERE
	    how = 'mdns' AND name GLOB '$1' ${2:+AND state NOT IN
	    ('expired', 'evicted')}" 2>/dev/null || echo 0
}
OWN='*:5[0-2][0-9][0-9]/'	# the first flood's ports, 5000-5299
SPREAD='*:20[0-2][0-9][0-9]/'	# the second's, 20000-20299

# flood_start NAME ARGS...: a flooder on the hostile host, until it has
# published everything (30 s at most).
flood_start() {
	local name=$1 i
	shift
	ip netns exec "$(nsname n9)" "$FLOOD" "$@" > "$T/$name.log" 2>&1 &
	FPID[$name]=$!
	PIDS+=("$!")
	for i in $(seq 300); do
		grep -q "^published" "$T/$name.log" && return 0
		kill -0 "${FPID[$name]}" 2>/dev/null ||
		    mesh_fail "$name: mdns-flood ended: $(cat "$T/$name.log")"
		sleep 0.1
	done
	mesh_fail "$name: not published in 30 s: $(cat "$T/$name.log")"
}
declare -A FPID=()

# seen GLOB: until node 1 has rows for the fakes matching GLOB and
# their count has not grown for 2 s (30 s at most).  Sets SEEN.
seen() {
	local last=-1 same=0 i
	for i in $(seq 120); do
		SEEN=$(rows "$1")
		if [ "$SEEN" -gt 0 ] && [ "$SEEN" = "$last" ]; then
			same=$((same + 1))
			[ $same -ge 8 ] && return 0
		else
			same=0
		fi
		last=$SEEN
		sleep 0.25
	done
	[ "$SEEN" -gt 0 ]
}

# UDP datagrams node 1's namespace dropped for a full socket buffer: a
# flood can cost real announcements too.
drops() {
	ip netns exec "$(nsname n1)" nstat -az 2>/dev/null |
	    awk '/RcvbufErrors/ { n += $2 } END { print n + 0 }'
}

# linked N LABEL: posts a note on node 1 and one on node N (not running
# yet, so the CLI's time is not counted), starts node N, and sets LINKED
# to the seconds from the moment it listens (and announces itself) until
# both notes are on both nodes (30 s at most), UP to the seconds it took
# to start (a sanitized build on a loaded machine can take seconds).
# Node 1 must have found node N by mDNS and kept it in its table (60 s
# after it listens at most; FOUND is when it was seen so): without that, node N calls node 1 itself 15 s
# after its start (its npub sorts higher), and the pair links whatever
# node 1's table holds.  CALLED says whether node 1 made the call.
linked() {
	local n=$1 t0 a b url pk i
	a=$(node_post 1 "s7: from node 1 to node $n ($2)")
	b=$(node_post "$n" "s7: from node $n to node 1 ($2)")
	t0=$(date +%s.%N)
	node_start "$n"
	node_ready "$n"
	UP=$(elapsed "$t0")
	t0=$(date +%s.%N)
	wait_ids 30 "$a" "$b" -- 1 "$n" >/dev/null ||
	    mesh_fail "$2: node $n not linked with node 1 in 30 s of its" \
	    "start (node 1 dropped $(drops) datagrams)"
	LINKED=$(elapsed "$t0")
	url="ws://$(addr "$n" 1):4848/"
	pk=$(npub "$n")
	for i in $(seq 240); do
		[ "$(found "$pk")" -ge 1 ] && break
		within "$(elapsed "$t0")" 60 || break
		sleep 0.25
	done
	FOUND=$(elapsed "$t0")
	[ "$(found "$pk")" -ge 1 ] ||
	    mesh_fail "$2: node 1 did not find node $n by mDNS in 60 s" \
	    "(linked after ${LINKED}s by node $n's call; node 1 dropped" \
	    "$(drops) datagrams)"
	CALLED=no
	grep -qF "mesh: linked with $url" "$T/n1.log" && CALLED=yes
}

# found NPUB: node 1's rows of links found by mDNS for NPUB, in its table.
found() {
	sqlite3 "${NODEDIR[1]}/events.db" "SELECT count(*) FROM links WHERE
	    how = 'mdns' AND npub = '$1' AND state NOT IN ('expired',
	    'evicted')" 2>/dev/null || echo 0
}

# within T LIMIT: whether T (seconds) is at most LIMIT.
within() { awk -v t="$1" -v g="$2" 'BEGIN { exit !(t <= g) }'; }

lan_new 1
for i in 1 2 3; do node_new "$i"; node_link "$i" 1 eth0; done
ns_new n9
node_link 9 1 eth0
node_above 2 1
node_above 3 1
node_start 1
node_ready 1

# forgotten GLOB SECS: until node 1 keeps none of those fakes (SECS at
# most); sets GONE to the seconds it took.
forgotten() {
	local t0 i
	t0=$(date +%s.%N)
	for i in $(seq $(($2 * 4))); do
		[ "$(rows "$1" kept)" = 0 ] && break
		sleep 0.25
	done
	GONE=$(elapsed "$t0")
	[ "$(rows "$1" kept)" = 0 ]
}

# withdraw NAME: the flooder withdraws its fakes (goodbyes) and exits.
withdraw() {
	kill -TERM "${FPID[$1]}"
	wait "${FPID[$1]}" 2>/dev/null
	grep -q "^withdrawn" "$T/$1.log" ||
	    mesh_fail "$1: mdns-flood did not withdraw: $(cat "$T/$1.log")"
}

# 1. Fakes at the host's own address.
flood_start own "$FAKES" 5000
seen "$OWN" || mesh_fail "node 1 did not see the flood"
seen1=$SEEN
linked 2 "flood at one address"
t1=$LINKED up1=$UP
kept1=$(rows "$OWN" kept)
[ $CALLED = yes ] ||
    mesh_fail "one address: node 1 found node 2 but did not call it"
within "$t1" $LINK_S ||
    mesh_fail "one address: node 2 linked after ${t1}s, want <= ${LINK_S}s" \
    "(node 1 holds $kept1 of $FAKES fakes)"
# 4 per address: the host has two, 10.88.1.19 and its IPv6 link-local.
[ "$kept1" -le 8 ] ||
    mesh_fail "one address: node 1 holds $kept1 fakes from $H, want <= 8"

# 2. Fakes at addresses of their own: more than the table holds.
withdraw own
t_own=$(date +%s.%N)
flood_start spread -a 10.89 "$FAKES" 20000
seen "$SPREAD" || mesh_fail "node 1 did not see the second flood"
seen2=$SEEN
table=$(sqlite3 "${NODEDIR[1]}/events.db" "SELECT count(*) FROM links
    WHERE how != 'inbound' AND state NOT IN ('expired', 'evicted')")
[ "$table" -le 256 ] ||
    mesh_fail "spread: node 1 has $table links in its table, want <= 256"
c=$(node_post 2 "s7: node 2 during the second flood")
wait_ids 5 "$c" -- 1 >/dev/null ||
    mesh_fail "spread: node 2's link with node 1 did not survive the flood"
linked 3 "flood at many addresses"
t2=$LINKED up2=$UP found2=$FOUND
kept2=$(rows "$SPREAD" kept)
# Found and kept is asserted (linked() above); the time is only reported
# against the goal: with 300 fakes at 300 addresses every node's mDNS
# socket overflows on a loaded machine, and a lost announcement of node
# 3 is asked for again only seconds later (docs/discovery.md, "Floods").
goal2=met
within "$t2" $LINK_S || goal2="missed: node 1 dropped $(drops) datagrams"
# The first fakes: forgotten 30 s after their goodbye.  One whose goodbye
# was lost (a full socket buffer) went silent instead: its records
# expire 120 s later, and it is forgotten 30 s after that.
forgotten "$OWN" 170 || mesh_fail "node 1 still holds $(rows "$OWN" kept)" \
    "of the first fakes $(elapsed "$t_own")s after their goodbye"
gone1=$(elapsed "$t_own")

# 3. The second fakes withdrawn.
withdraw spread
forgotten "$SPREAD" 170 || mesh_fail "node 1 still holds" \
    "$(rows "$SPREAD" kept) of the second fakes ${GONE}s after their goodbye"
gone2=$GONE
peers=$("$BIN" -d "${NODEDIR[1]}" peers)
listed=$(echo "$peers" | grep -cE '^peer ws://.*:(5[0-2]|20[0-2])[0-9][0-9]/$')
[ "$listed" = 0 ] ||
    mesh_fail "samizdat peers on node 1 still lists $listed fakes:
$(echo "$peers" | head -20)"
# By npub: a row keeps the URL the link was first found at (node 3's may
# be its IPv6 one, when its IPv4 answer came late).
for n in 2 3; do
	echo "$peers" | grep -qE "^ +node +$(npub "$n")$" ||
	    mesh_fail "samizdat peers on node 1 does not list node $n:
$peers"
done
d=$(node_post 3 "s7: node 3 after the floods")
wait_ids 5 "$d" -- 1 2 >/dev/null ||
    mesh_fail "the real nodes lost each other after the floods"

echo "ok s7-mdns-flood: $FAKES fakes at one address: node 1 kept $kept1" \
    "(of $seen1 rows), node 2 linked ${t1}s after it listened" \
    "(${up1}s to start); $FAKES at their own addresses: node 1's table" \
    "$table links (fakes kept $kept2 of $seen2 rows), node 3 found and" \
    "linked ${t2}s after it listened (${up2}s to start; goal ${LINK_S}s" \
    "$goal2; node 1 called: $CALLED, had it in its table by" \
    "${found2}s); the first fakes all" \
    "gone ${gone1}s after their goodbye (the second flood evicted most)," \
    "the second ${gone2}s after theirs;" \
    "node 1 dropped $(drops) mDNS datagrams"
