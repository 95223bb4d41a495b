#!/bin/bash
# mesh.sh BIN: ten nodes on one virtual LAN (network namespaces, a bridge),
# discovery on, default settings otherwise.
#
#   propagation  once every node holds a warm-up note from every other
#                (the mesh is linked), 20 notes are published one at a
#                time, each as an EVENT from a WebSocket client to a random
#                node; an observer subscribed to all ten relays timestamps
#                each arrival.  Goal: < 1 s to reach all 10 nodes.
#   photo        a 300 KB photo posted with `post --photo` on node 1:
#                seconds until every node serves it (GET /<sha256>).
#                Goal: < 10 s to all 10 nodes.
#   idle         the mesh left alone for IDLE seconds (default 60): rx+tx
#                bytes of each node's interface, divided by its number of
#                peers.  Goal: < 1 KB/s per peer link.
#
# Needs root (ip netns), node and test/interop/node_modules.  Bounded;
# cleans up its namespaces, processes and temp dir.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=bench-mesh
N=${N:-10}
COUNT=${COUNT:-20}
IDLE=${IDLE:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../test/mesh/lib.sh"
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "bench/mesh.sh: needs root and ip netns" >&2
	exit 1
fi
mesh_setup

lan_new 1
for i in $(seq "$N"); do
	node_new "$i"
	node_link "$i" 1 eth0
done
OBS=$((N + 1))
ns_new "n$OBS"
node_link "$OBS" 1 eth0
t0=$(date +%s.%N)
for i in $(seq "$N"); do node_start "$i"; done
for i in $(seq "$N"); do node_ready "$i"; done

ids=()
for i in $(seq "$N"); do ids+=("$(node_post "$i" "bench warm-up from $i")"); done
w=$(wait_ids 90 "${ids[@]}" -- $(seq "$N")) ||
    mesh_fail "warm-up notes did not reach all $N nodes in 90 s"
echo "mesh: $N nodes, warm-up notes on all nodes ${w}s after posting" \
    "($(elapsed "$t0")s after start)"
# Let the first full syncs (one per link, on connect) finish.
sleep 3

urls=()
for i in $(seq "$N"); do urls+=("ws://$(addr "$i" 1):4848/"); done
ip netns exec "$(nsname "n$OBS")" timeout 320 node \
    "$ROOT/test/mesh/propagation.mjs" "$T/prop.json" "$COUNT" "${urls[@]}" \
    > "$T/prop.log" 2>&1 || mesh_fail "propagation.mjs: $(cat "$T/prop.log")"

jq -r '.[] | [ (.perNode | map(select(. != null)) | max),
    (.perNode | map(select(. == null)) | length) ] | @tsv' "$T/prop.json" \
    > "$T/prop.tsv"
missing=$(awk '{s += $2} END {print s + 0}' "$T/prop.tsv")
sort -n -k1,1 "$T/prop.tsv" | awk -v n="$N" -v c="$COUNT" -v miss="$missing" '
	{ v[NR] = $1 }
	END {
		med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "propagation: %d notes, time until stored on all %d " \
		    "nodes: median %.0f ms, min %.0f ms, max %.0f ms " \
		    "(goal: < 1000 ms) %s\n", NR, n, med, v[1], v[NR],
		    (v[NR] < 1000 && miss == 0) ? "PASS" : "FAIL"
		if (miss > 0)
			printf "propagation: %d deliveries missing after 10 s\n", miss
	}'
printf 'per note (ms, origin node, slowest node):'
jq -r '.[] | "\(.perNode | map(select(. != null)) | max | floor)@\(.origin + 1)"' \
    "$T/prop.json" | tr '\n' ' '
echo

# --- a photo ---------------------------------------------------------------
# A 300 KB JPEG (the sample with its scan data padded) posted with
# `post --photo` on node 1; then each node's GET /<sha256> is polled from
# the observer every 0.1 s until all ten serve it.
node -e '
const fs = require("fs"), c = require("crypto");
const b = fs.readFileSync(process.argv[1]);
const e = b.lastIndexOf(Buffer.from([0xff, 0xd9]));
const pad = c.randomBytes(300 * 1024 - b.length).map((x) => x === 255 ? 254 : x);
fs.writeFileSync(process.argv[2], Buffer.concat([b.subarray(0, e), pad, b.subarray(e)]));
' "$ROOT/test/media/adobe-cmyk.jpg" "$T/photo.jpg"
p0=$(date +%s.%N)
x=$(SAMIZDAT_DIR=${NODEDIR[1]} "$BIN" -q post --photo "$T/photo.jpg" \
    "bench photo" 2>/dev/null | jq -r '.tags[0][] | select(startswith("x ")) | .[2:]')
[ -n "$x" ] || mesh_fail "post --photo on node 1 failed"
declare -A got=()
while [ ${#got[@]} -lt "$N" ]; do
	for i in $(seq "$N"); do
		[ -n "${got[$i]:-}" ] && continue
		c=$(ip netns exec "$(nsname "n$OBS")" curl -s -o /dev/null \
		    -w '%{http_code}' -m 2 "http://$(addr "$i" 1):4848/$x")
		[ "$c" = 200 ] && got[$i]=$(elapsed "$p0")
	done
	[ "$(echo "$(date +%s.%N) $p0" | awk '{print ($1 - $2 > 120)}')" = 1 ] &&
	    break
	sleep 0.1
done
printf 'photo: 300 KB posted on node 1, viewable on node (s):'
for i in $(seq "$N"); do printf ' %s:%s' "$i" "${got[$i]:-never}"; done
echo
worst=$(for i in $(seq "$N"); do echo "${got[$i]:-9999}"; done | sort -n | tail -1)
awk -v w="$worst" -v n="$N" -v k="${#got[@]}" 'BEGIN {
	printf "photo: viewable on %d of %d nodes, the last after %s s " \
	    "(goal: < 10 s) %s\n", k, n, w == 9999 ? "never" : w,
	    (k == n && w < 10) ? "PASS" : "FAIL" }'

# --- idle traffic --------------------------------------------------------
bytes() {
	ip -n "$(nsname "n$1")" -s -j link show eth0 |
	    jq '.[0].stats64.rx.bytes + .[0].stats64.tx.bytes'
}
npeers() {
	# distinct node keys among this node's links
	"$BIN" -d "${NODEDIR[$1]}" peers | awk '
		/^peer npub1/ { k[$2] = 1 }
		/^  node +npub1/ { k[$2] = 1 }
		END { print length(k) }'
}
# TCP payload of the node's connections (the live links and syncs), from
# the kernel's per-socket counters; the rest is mDNS and packet headers.
tcpb() {
	ip netns exec "$(nsname "n$1")" ss -tinH state established |
	    grep -o 'bytes_\(sent\|received\):[0-9]*' |
	    awk -F: '{s += $2} END {print s + 0}'
}
sleep 5
declare -A b0 c0
for i in $(seq "$N"); do b0[$i]=$(bytes "$i"); c0[$i]=$(tcpb "$i"); done
s0=$(date +%s.%N)
sleep "$IDLE"
secs=$(elapsed "$s0")
worst=0
tot=0
for i in $(seq "$N"); do
	b=$(( $(bytes "$i") - b0[$i] ))
	c=$(( $(tcpb "$i") - c0[$i] ))
	p=$(npeers "$i")
	[ "$p" -gt 0 ] || p=1
	per=$(awk -v b="$b" -v s="$secs" -v p="$p" 'BEGIN{printf "%.0f", b/s/p}')
	printf 'idle: node %2d: %7d bytes in %ss (%d TCP payload), %d peers,' \
	    "$i" "$b" "$secs" "$c" "$p"
	printf ' %5d B/s per peer\n' "$per"
	[ "$per" -gt "$worst" ] && worst=$per
	tot=$((tot + b))
done
awk -v t="$tot" -v s="$secs" -v n="$N" -v w="$worst" 'BEGIN {
	avg = t / s / n / (n - 1)
	printf "idle: %.0f B/s per peer link on average, worst node %d B/s " \
	    "(goal: < 1024 B/s) %s\n", avg, w, w < 1024 ? "PASS" : "FAIL" }'
