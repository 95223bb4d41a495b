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

# --- a photo ---------------------------------------------------------------
# A 300 KB JPEG (the sample with its scan data padded) posted with
# `post --photo` on node 1; the observer polls GET /<sha256> on all ten
# nodes at once, every 50 ms each, until every one serves it.  After the
# idle figure, so that the photo's transfers are not counted as idle.
node -e '
const fs = require("fs"), c = require("crypto");
const b = fs.readFileSync(process.argv[1]);
const e = b.lastIndexOf(Buffer.from([0xff, 0xd9]));
const pad = c.randomBytes(300 * 1024 - b.length).map((x) => x === 255 ? 254 : x);
fs.writeFileSync(process.argv[2], Buffer.concat([b.subarray(0, e), pad, b.subarray(e)]));
' "$ROOT/test/media/adobe-cmyk.jpg" "$T/photo.jpg"
hosts=()
for i in $(seq "$N"); do hosts+=("$(addr "$i" 1)"); done
x=$(node -e 'const c = require("crypto"), fs = require("fs");
    process.stdout.write(c.createHash("sha256").update(fs.readFileSync(process.argv[1])).digest("hex"))' "$T/photo.jpg")
ip netns exec "$(nsname "n$OBS")" timeout 150 node -e '
const http = require("http");
const [x, ...hosts] = process.argv.slice(1);
const t0 = Date.now(), got = {};
function poll(h) {
	const r = http.get({ host: h, port: 4848, path: "/" + x, timeout: 2000 }, (a) => {
		a.resume();
		a.on("end", () => {
			if (a.statusCode === 200) {
				got[h] = (Date.now() - t0) / 1000;
				if (Object.keys(got).length === hosts.length) {
					console.log(JSON.stringify(hosts.map((k) => got[k])));
					process.exit(0);
				}
			} else
				setTimeout(() => poll(h), 50);
		});
	});
	r.on("error", () => setTimeout(() => poll(h), 50));
	r.on("timeout", () => r.destroy());
}
hosts.forEach(poll);
setTimeout(() => { console.log(JSON.stringify(hosts.map((k) => got[k] ?? null))); process.exit(0); }, 120000);
' "$x" "${hosts[@]}" > "$T/photo.json" &
pollpid=$!
sleep 0.5
SAMIZDAT_DIR=${NODEDIR[1]} "$BIN" -q post --photo "$T/photo.jpg" \
    "bench photo" >/dev/null 2>&1 || mesh_fail "post --photo on node 1 failed"
wait "$pollpid"
jq -r 'to_entries | map("\(.key + 1):\(.value // "never")") | join(" ")' \
    "$T/photo.json" | sed 's/^/photo: 300 KB posted on node 1, viewable on node (s after the poll started, 0.5 s before the post): /'
jq -r --argjson n "$N" '[.[] | select(. != null)] as $v |
    "photo: viewable on \($v | length) of \($n) nodes, the last after " +
    "\(if ($v | length) > 0 then ($v | max | tostring) else "never" end) s " +
    "(goal: < 10 s) " +
    (if ($v | length) == $n and ($v | max) < 10 then "PASS" else "FAIL" end)' \
    "$T/photo.json"
