# flood-lib.sh: a fresh-key flood at A on a line A - B - C, with the flood
# defence on; shared by bench/flood.sh (the figures) and s9-flood.sh (the
# behaviour).  Sourced by bash after lib.sh and mesh_setup.
#
#   flood_line VOUCH_NODES   the namespaces and nodes:
#       LAN 3 (A's Wi-Fi): A (node 1, eth1), the flooder (4), a phone (5)
#       LAN 1: A (eth0), B (node 2, eth0)
#       LAN 2: B (eth1), C (node 3, eth0), an observer (6)
#     B does not route.  A's operator vouches for the phone's key H; with
#     VOUCH_NODES=1 each operator also vouches for the other two nodes'
#     keys (operators who met), with 0 the nodes are strangers.  Returns
#     once A's and C's warm-up notes and A's vouches are on all three.
#   flood_run KEYS CONNS SECS  the flood (flood.mjs flood, from node 4 at
#     A), the phone's reports (flood.mjs post), the observer at C
#     (flood.mjs watch) and page loads on A (flood.mjs page), all at once;
#     then sets:
#       FLOOD_SENT FLOOD_TAKEN FLOOD_SECS  the flood's events offered, the
#                    ones A stored (passed on or held), seconds
#       FLOOD_A FLOOD_C FLOOD_C_BYTES  flood events stored on A and on C,
#                    and the bytes of C's as JSON
#       FLOOD_C_DB   growth of C's events.db (and its WAL), in bytes
#       ALLOW_C ALLOW_C_BYTES  what the quotas let through to C: A passes
#                    on at most source_forward an hour of one address's
#                    unvouched events at difficulty 0 (the flood mines
#                    none), each at most max_event_size bytes
#       Q_SRC        source_events: what A stores of them
#       FLOOD_DIFF   the difficulty A asks at the end
#       CPU_A        A's CPU over the flood, in cores (utime + stime)
#       CPU_B        B's, likewise
#       WAIT_A       the time A was runnable but waited for a CPU, over
#                    the flood's (schedstat): the machine's load
#   flood_latency WHO [F]    A-to-C ms of each report of WHO (vouched,
#                            fresh) that reached C, sorted (F watchb.json:
#                            to B; ok: until A's OK)
#   flood_missing WHO        reports of WHO that never reached C
#   flood_refusals WHO       what A answered to those
#   flood_bits / flood_mine Q  the fresh reports' difficulty (min-max) and
#                            their mining time's quantile Q (ms)
#   flood_pages              "ms status" of each page load, sorted
#
# Environment: FLOOD_MJS (default test/mesh/flood.mjs); FLOOD_NICE (19):
# the flooder's nice; MESH_KEEP=1 keeps the JSON results with the logs.

FLOOD_MJS=${FLOOD_MJS:-$ROOT/test/mesh/flood.mjs}
[ -d "$ROOT/test/interop/node_modules/ws" ] ||
    mesh_fail "test/interop/node_modules is missing: run 'npm ci' there"

# fq N FILTER: the events node N's store holds for FILTER, one a line.
fq() {
	SAMIZDAT_DIR=${NODEDIR[$1]} "$BIN" -q query "$2" 2>/dev/null |
	    grep '"id"'
}

flood_line() {
	local vouch=$1 i j h a c nl
	lan_new 1
	lan_new 2
	lan_new 3
	for i in 1 2 3; do node_new "$i"; done
	# FLOOD_CONF_BC: lines of samizdat.conf for B and C only.
	if [ -n "${FLOOD_CONF_BC:-}" ]; then
		node_conf 2 "$FLOOD_CONF_BC"
		node_conf 3 "$FLOOD_CONF_BC"
	fi
	node_link 1 1 eth0
	node_link 1 3 eth1
	node_link 2 1 eth0
	node_link 2 2 eth1
	node_link 3 2 eth0
	for i in 4 5 6; do ns_new "n$i"; done
	node_link 4 3 eth0
	node_link 5 3 eth0
	node_link 6 2 eth0
	for i in 1 2 3 4 5 6; do
		ip netns exec "$(nsname "n$i")" sysctl -qw net.ipv4.ip_forward=0
	done
	declare -gA NPUB=() NHEX=()
	for i in 1 2 3; do
		NPUB[$i]=$("$BIN" -d "${NODEDIR[$i]}" key show | sed -n 1p)
		NHEX[$i]=$("$BIN" -d "${NODEDIR[$i]}" key show | sed -n 2p)
	done
	read -r H_SK H_PK < <(node "$FLOOD_MJS" key) ||
	    mesh_fail "flood.mjs key"
	SAMIZDAT_DIR=${NODEDIR[1]} "$BIN" -q vouch "$H_PK" >/dev/null 2>&1 ||
	    mesh_fail "vouch for H on A"
	nl=1
	if [ "$vouch" = 1 ]; then
		for i in 1 2 3; do
			for j in 1 2 3; do
				[ "$i" = "$j" ] && continue
				SAMIZDAT_DIR=${NODEDIR[$i]} "$BIN" -q vouch \
				    "${NPUB[$j]}" >/dev/null 2>&1 ||
				    mesh_fail "vouch for $j on $i"
			done
		done
		nl=3
	fi
	MESH_QUOTAS=true
	for i in 1 2 3; do node_start "$i"; done
	for i in 1 2 3; do node_ready "$i"; done
	a=$(node_post 1 "flood: warm-up from A")
	c=$(node_post 3 "flood: warm-up from C")
	wait_ids 60 "$a" "$c" -- 1 2 3 >/dev/null ||
	    mesh_fail "the warm-up notes of A and C did not cross B in 60 s"
	# A's vouches (NIP-32 labels, kind 1985) on C: there H is vouched.
	for _ in $(seq 120); do
		h=$(fq 3 "{\"authors\":[\"${NHEX[1]}\"],\"kinds\":[1985]}" |
		    wc -l)
		[ "$h" -ge "$nl" ] && return 0
		sleep 0.25
	done
	mesh_fail "A's vouches did not reach C in 30 s ($h of $nl)"
}

# cpu_ticks PID: utime + stime of PID, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

db_bytes() {
	local d=${NODEDIR[$1]}
	cat "$d/events.db" "$d/events.db-wal" 2>/dev/null | wc -c
}

nflood() {
	fq "$1" '{"#t":["flood"],"limit":1000000}' | wc -l
}

flood_run() {
	local keys=$1 conns=$2 secs=$3 a=${NODEPID[1]} hz db0 c0 w0 w1 \
	    c1 cb0 fpid ppid gpid wpid bpid apid q0 q1 pol
	local ua="ws://$(addr 1 3):4848/" uc="ws://$(addr 3 2):4848/"
	[ "$(cat "/proc/$a/comm")" = samizdat ] ||
	    mesh_fail "node 1's pid $a is $(cat "/proc/$a/comm")"
	hz=$(getconf CLK_TCK)
	db0=$(db_bytes 3)
	# The observer, at C and (to tell the hops apart) at B's side on LAN 2.
	ip netns exec "$(nsname n6)" timeout $((secs + 60)) node "$FLOOD_MJS" \
	    watch "$uc" "$T/watch.json" $((secs + 40)) > "$T/watch.log" 2>&1 &
	wpid=$!
	PIDS+=("$wpid")
	ip netns exec "$(nsname n6)" timeout $((secs + 60)) node "$FLOOD_MJS" \
	    watch "ws://$(addr 2 2):4848/" "$T/watchb.json" $((secs + 40)) \
	    > "$T/watchb.log" 2>&1 &
	bpid=$!
	PIDS+=("$bpid")
	# And at A, from its Wi-Fi: when A itself delivers a report live.
	ip netns exec "$(nsname n5)" timeout $((secs + 60)) node "$FLOOD_MJS" \
	    watch "$ua" "$T/watcha.json" $((secs + 40)) > "$T/watcha.log" 2>&1 &
	apid=$!
	PIDS+=("$apid")
	for _ in $(seq 100); do
		[ -e "$T/watch.json.ready" ] && [ -e "$T/watchb.json.ready" ] &&
		    [ -e "$T/watcha.json.ready" ] && break
		sleep 0.1
	done
	[ -e "$T/watch.json.ready" ] && [ -e "$T/watchb.json.ready" ] ||
	    mesh_fail "the observer is not subscribed: $(cat "$T"/watch*.log)"
	# The flooder at the lowest priority: an attacker brings a CPU of its
	# own, and this machine's are the nodes'.
	ip netns exec "$(nsname n4)" timeout $((secs + 60)) \
	    nice -n "${FLOOD_NICE:-19}" \
	    node "$FLOOD_MJS" flood "$ua" "$T/flood.json" "$keys" "$conns" "$secs" \
	    > "$T/flood.log" 2>&1 &
	fpid=$!
	PIDS+=("$fpid")
	for _ in $(seq 600); do
		[ -e "$T/flood.json.flooding" ] && break
		kill -0 "$fpid" 2>/dev/null ||
		    mesh_fail "the flooder ended early: $(cat "$T/flood.log")"
		sleep 0.1
	done
	[ -e "$T/flood.json.flooding" ] ||
	    mesh_fail "the flood did not start in 60 s"
	c0=$(cpu_ticks "$a")
	cb0=$(cpu_ticks "${NODEPID[2]}")
	read -r _ q0 _ < "/proc/$a/schedstat"
	w0=$(date +%s.%N)
	sleep 1
	ip netns exec "$(nsname n5)" timeout $((secs + 60)) node "$FLOOD_MJS" \
	    post "$ua" "$T/post.json" $((secs - 3)) "$H_SK" \
	    > "$T/post.log" 2>&1 &
	ppid=$!
	PIDS+=("$ppid")
	ip netns exec "$(nsname n5)" timeout $((secs + 60)) node "$FLOOD_MJS" \
	    page "$ua" "$T/page.json" $((secs - 3)) > "$T/page.log" 2>&1 &
	gpid=$!
	PIDS+=("$gpid")
	wait "$fpid" || mesh_fail "the flooder failed: $(cat "$T/flood.log")"
	c1=$(cpu_ticks "$a")
	CPU_B=$(awk -v a="$cb0" -v b="$(cpu_ticks "${NODEPID[2]}")" \
	    -v hz="$hz" -v s="$w0" -v e="$(date +%s.%N)" \
	    'BEGIN { printf "%.3f", (b - a) / hz / (e - s) }')
	read -r _ q1 _ < "/proc/$a/schedstat"
	w1=$(date +%s.%N)
	wait "$ppid" || mesh_fail "the phone failed: $(cat "$T/post.log")"
	wait "$gpid" || echo "flood: the page loads on A ended with" \
	    "$(cat "$T/page.log")" >&2
	# The last reports' way to C, then the observer stops.
	sleep 5
	touch "$T/watch.json.stop" "$T/watchb.json.stop" "$T/watcha.json.stop"
	wait "$apid" || mesh_fail "the observer failed: $(cat "$T/watcha.log")"
	wait "$wpid" || mesh_fail "the observer failed: $(cat "$T/watch.log")"
	wait "$bpid" || mesh_fail "the observer failed: $(cat "$T/watchb.log")"
	if [ -n "${MESH_KEEP:-}" ]; then
		mkdir -p "$ART/$SCEN"
		cp "$T"/*.json "$ART/$SCEN/"
	fi
	# How long A was runnable but waited for a CPU (the machine's load).
	WAIT_A=$(awk -v a="$q0" -v b="$q1" -v s="$w0" -v e="$w1" \
	    'BEGIN { printf "%.3f", (b - a) / 1e9 / (e - s) }')
	CPU_A=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v s="$w0" -v e="$w1" \
	    'BEGIN { printf "%.3f", (b - a) / hz / (e - s) }')
	FLOOD_SENT=$(jq .sent "$T/flood.json")
	FLOOD_TAKEN=$(jq '.accepted + .held' "$T/flood.json")
	FLOOD_SECS=$(jq '.ms / 1000' "$T/flood.json")
	FLOOD_A=$(nflood 1)
	FLOOD_C=$(nflood 3)
	FLOOD_C_BYTES=$(fq 3 '{"#t":["flood"],"limit":1000000}' | wc -c)
	FLOOD_C_DB=$(( $(db_bytes 3) - db0 ))
	# The node saves its policy state every two seconds.
	sleep 2.5
	pol=$("$BIN" -d "${NODEDIR[1]}" policy --json 2>/dev/null) ||
	    pol='{}'
	echo "$pol" > "$T/policy-a.json"
	FLOOD_DIFF=$(echo "$pol" | jq -r '.difficulty // "?"')
	# The quotas in force, as the node reports them.
	Q_SRC=$(echo "$pol" | jq -r '.quota.source_events // 3000')
	ALLOW_C=$(echo "$pol" | jq -r '.quota.source_forward // 300')
	ALLOW_C_BYTES=$((ALLOW_C * 65536))	# max_event_size's default
}

# flood_latency WHO [FILE]: to C (watch.json) or to B (watchb.json);
# FILE "ok": until A answered OK.
flood_latency() {
	if [ "${2:-}" = ok ]; then
		jq -r --arg who "$1" '.[] | select(.who == $who) |
		    select(.okMs != null) | .okMs' "$T/post.json" | sort -n
		return
	fi
	jq -r --arg who "$1" --slurpfile w "$T/${2:-watch.json}" '.[] |
	    select(.who == $who) | select($w[0][.id] != null) |
	    ($w[0][.id] - .sent)' "$T/post.json" | sort -n
}

flood_missing() {
	jq -r --arg who "$1" --slurpfile w "$T/watch.json" '[.[] |
	    select(.who == $who) | select($w[0][.id] == null)] | length' \
	    "$T/post.json"
}

flood_refusals() {
	jq -r --arg who "$1" --slurpfile w "$T/watch.json" '[.[] |
	    select(.who == $who) | select($w[0][.id] == null) |
	    "\(.ok) \(.msg)"] | group_by(.) |
	    map("\(length)x \(.[0])") | join("; ")' "$T/post.json"
}

flood_bits() {
	jq -r '[.[] | select(.who == "fresh") | .bits] |
	    "\(min)-\(max)"' "$T/post.json"
}

flood_mine() {
	jq -r --argjson q "$1" '[.[] | select(.who == "fresh") | .mineMs] |
	    sort | .[((length - 1) * $q | floor)]' "$T/post.json"
}

flood_pages() {
	[ -s "$T/page.json" ] || return 0
	jq -r '.[] | "\(.ms) \(.status)"' "$T/page.json" | sort -n
}
