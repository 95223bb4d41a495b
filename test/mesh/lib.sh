# lib.sh: what the mesh tests and bench/mesh.sh share.  Sourced by bash.
#
# Every node runs in a network namespace of its own; a virtual LAN is a
# Linux bridge in a "hub" namespace, and each node has a veth pair with
# one end (eth0, eth1, ...) in the node's namespace and the other end in
# the hub, enslaved to the bridge.  No interface is ever created in the
# root namespace: veths are made directly inside the namespaces.
#
# Names: namespaces are "sdm<tag><name>" (tag: our pid, so that two runs
# never collide); addresses 10.88.<lan>.<10+node>/24.
#
#   mesh_setup              temp dir, cleanup trap (call once)
#   lan_new LAN             hub namespace with bridge br0
#   node_new N              namespace + data dir + key for node N
#   node_link N LAN IF      veth IF in node N on LAN, address 10.88.LAN.(10+N)
#   node_conf N LINE...     appends config lines to N's samizdat.conf
#   node_start N [args]     samizdat serve in N's namespace (log in $T/nN.log)
#   node_stop N / node_kill9 N
#   node_post N TEXT        prints the id of the new note
#   node_count N IDS...     how many of IDS N's store holds
#   wait_ids SECS IDS -- NODES...  until every node has every id
#   mesh_fail MSG           print, keep logs, exit 1 (via trap)
#
# Environment in: BIN (samizdat binary, absolute), SCEN (scenario name,
# for the artifacts dir), MESH_KEEP=1 (keep the logs even on success),
# MESH_QUOTAS=true (node_start leaves the flood defence's quotas on).

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ART=${ART:-$ROOT/build/test-artifacts/mesh}
TAG=${TAG:-$$}
T=
NSLIST=()
PIDS=()
declare -A NODEPID=()
declare -A NODEDIR=()
MESH_FAILED=0

mesh_cleanup() {
	local rc=$? p ns
	trap - EXIT INT TERM
	[ "$MESH_FAILED" = 1 ] && rc=1
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# Anything else still inside our namespaces was started by us too.
	for ns in "${NSLIST[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	for ns in "${NSLIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if { [ "$rc" != 0 ] || [ -n "${MESH_KEEP:-}" ]; } && [ -n "$T" ] &&
	    [ -d "$T" ]; then
		mkdir -p "$ART/${SCEN:-mesh}"
		cp "$T"/*.log "$ART/${SCEN:-mesh}/" 2>/dev/null
		for d in "$T"/n*/; do
			[ -d "$d" ] || continue
			n=$(basename "$d")
			"$BIN" -d "$d" peers > "$ART/${SCEN:-mesh}/$n.peers" 2>&1
		done
		echo "  logs kept in $ART/${SCEN:-mesh}/" >&2
	fi
	[ -n "$T" ] && rm -rf "$T"
	exit "$rc"
}

mesh_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-mesh.XXXXXX") || exit 1
	trap mesh_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

mesh_fail() {
	echo "FAIL ${SCEN:-}: $*" >&2
	MESH_FAILED=1
	exit 1
}

nsname() { echo "sdm${TAG}$1"; }

ns_new() {
	local ns
	ns=$(nsname "$1")
	ip netns add "$ns" || mesh_fail "ip netns add $ns"
	NSLIST+=("$ns")
	ip -n "$ns" link set lo up
}

# A virtual LAN: a bridge that floods multicast (no IGMP snooping, so
# mDNS gets through without a querier), no STP delay.
lan_new() {
	local h
	ns_new "h$1"
	h=$(nsname "h$1")
	ip -n "$h" link add br0 type bridge stp_state 0 forward_delay 0 \
	    mcast_snooping 0 || mesh_fail "bridge in $h"
	ip -n "$h" link set br0 up
}

node_new() {
	local n=$1
	ns_new "n$n"
	NODEDIR[$n]=$T/n$n
	SAMIZDAT_DIR=${NODEDIR[$n]} "$BIN" -q init > "$T/n$n.init" 2>&1 ||
	    mesh_fail "init node $n: $(cat "$T/n$n.init")"
	cat > "${NODEDIR[$n]}/samizdat.conf" <<EOF
listen = 0.0.0.0:4848
log_level = 2
EOF
}

node_conf() {
	local n=$1 l
	shift
	for l in "$@"; do
		echo "$l" >> "${NODEDIR[$n]}/samizdat.conf"
	done
}

addr() { echo "10.88.$2.$((10 + $1))"; }	# addr NODE LAN

# node_link NODE LAN IFNAME: the hub's end is "n<NODE>i<IFNAME>".
node_link() {
	local n=$1 lan=$2 ifn=$3 hub node peer
	hub=$(nsname "h$lan")
	node=$(nsname "n$n")
	peer="p${n}${ifn}"
	ip link add "$ifn" netns "$node" type veth peer name "$peer" \
	    netns "$hub" || mesh_fail "veth $ifn for node $n"
	ip -n "$hub" link set "$peer" master br0 || mesh_fail "master $peer"
	ip -n "$hub" link set "$peer" up
	ip -n "$node" addr add "$(addr "$n" "$lan")/24" dev "$ifn"
	ip -n "$node" link set "$ifn" up
}

node_start() {
	local n=$1 pid
	shift
	# Bulk catch-ups of fresh keys: the flood defence's quotas are off
	# here (a closed network; test/relay/flood.test.mjs tests them),
	# unless MESH_QUOTAS=true (the flood scenarios).
	ip netns exec "$(nsname "n$n")" env SAMIZDAT_DIR="${NODEDIR[$n]}" \
	    "$BIN" serve -o quotas="${MESH_QUOTAS:-false}" "$@" \
	    >> "$T/n$n.log" 2>&1 &
	pid=$!
	NODEPID[$n]=$pid
	PIDS+=("$pid")
}

# Until the node logs that it listens (10 s at most).
node_ready() {
	local n=$1 i
	for i in $(seq 100); do
		grep -q "relay listening" "$T/n$n.log" 2>/dev/null && return 0
		kill -0 "${NODEPID[$n]}" 2>/dev/null ||
		    mesh_fail "node $n exited: $(tail -5 "$T/n$n.log")"
		sleep 0.1
	done
	mesh_fail "node $n does not listen: $(tail -5 "$T/n$n.log")"
}

node_stop() {
	local n=$1 p=${NODEPID[$1]} i
	kill -TERM "$p" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

node_kill9() {
	kill -KILL "${NODEPID[$1]}" 2>/dev/null
	wait "${NODEPID[$1]}" 2>/dev/null
}

node_post() {
	local out
	out=$(SAMIZDAT_DIR=${NODEDIR[$1]} "$BIN" -q post "$2" 2>&1) ||
	    mesh_fail "post on node $1: $out"
	printf '%s\n' "$out" | jq -r .id
}

# node_npub N: node N's key.
node_npub() { "$BIN" -d "${NODEDIR[$1]}" key show | head -1; }

# custody_of N ID: "VIA FROM" of node N's first custody line for ID
# (VIA as a name: peer, client, ...).
custody_of() {
	local via from
	IFS='|' read -r via from < <(sqlite3 -readonly \
	    "file:${NODEDIR[$1]}/events.db?mode=ro" \
	    "PRAGMA busy_timeout=2000; SELECT via, origin FROM custody
	     WHERE id = x'$2' ORDER BY seq LIMIT 1;" 2>/dev/null | tail -1)
	case $via in
	0) via=unknown ;; 1) via=client ;; 2) via=peer ;; 3) via=stick ;;
	4) via=relay ;; 6) via=post ;;
	esac
	echo "$via $from"
}

# node_count N ID...: how many of the ids node N's store holds.
node_count() {
	local n=$1 ids
	shift
	ids=$(printf '"%s",' "$@")
	SAMIZDAT_DIR=${NODEDIR[$n]} "$BIN" -q query \
	    "{\"ids\":[${ids%,}],\"limit\":5000}" 2>/dev/null | grep -c '"id"'
}

# wait_ids SECS ID... -- NODE...: polls every 0.25 s; returns 1 on timeout
# after printing what is missing where.  Prints the seconds it took.
wait_ids() {
	local secs=$1 ids=() nodes=() n t0 ok c
	shift
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do ids+=("$1"); shift; done
	shift
	nodes=("$@")
	t0=$(date +%s.%N)
	while :; do
		ok=1
		for n in "${nodes[@]}"; do
			c=$(node_count "$n" "${ids[@]}")
			[ "$c" = "${#ids[@]}" ] || { ok=0; break; }
		done
		if [ $ok = 1 ]; then
			echo "$(date +%s.%N) $t0" | awk '{printf "%.1f\n", $1 - $2}'
			return 0
		fi
		if [ "$(echo "$(date +%s.%N) $t0 $secs" |
		    awk '{print ($1 - $2 > $3)}')" = 1 ]; then
			for n in "${nodes[@]}"; do
				echo "  node $n has $(node_count "$n" \
				    "${ids[@]}")/${#ids[@]}" >&2
			done
			return 1
		fi
		sleep 0.25
	done
}

elapsed() { echo "$(date +%s.%N) $1" | awk '{printf "%.1f", $1 - $2}'; }

# Skip unless root with ip netns; with CI set, that is a failure instead.
mesh_need_root() {
	if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1 ||
	    ! ip netns add "sdm${TAG}probe" 2>/dev/null; then
		if [ -n "${CI:-}" ]; then
			echo "mesh tests: need root and ip netns (CI is set)" >&2
			exit 1
		fi
		echo "mesh tests skipped: need root and ip netns"
		exit 0
	fi
	ip netns del "sdm${TAG}probe"
}
