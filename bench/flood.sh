#!/bin/bash
# flood.sh BIN: a fresh-key flood at the first node of a line A - B - C
# (network namespaces), with the flood defence on (default quotas).
#
#   LAN 3 (A's Wi-Fi): A, the flooder, an honest phone
#   LAN 1:             A, B
#   LAN 2:             B, C, an observer
#
# B does not route: A and C reach each other only through B's store and
# forward.  The three operators have met and vouched for each other's node
# keys (VOUCH_NODES=0: they have not, the nodes are strangers), and A's
# operator vouched for the honest person's key H.
#
# For SECS seconds (default 45) the flooder publishes from KEYS (1,000)
# fresh keys over CONNS (64) connections at the highest rate A takes
# (flood.mjs flood: never more than 32 unanswered EVENTs per connection),
# from its own address, not loopback: trust_loopback would take a loopback
# client for the operator.  Meanwhile the phone posts, every second, a
# report signed with H and one signed with a new key mined to the
# difficulty A asks (an unknown person's first report: the hard case);
# the observer, subscribed at C, timestamps their arrivals; and the page
# on A (GET / and its files, GET /api/node) is loaded every 2 s.
#
# Printed, each beside its goal: the honest reports' A-to-C latency (p50,
# p95), the flood events C stored against what the quotas let through,
# A's CPU over the flood (utime + stime from /proc, in cores), and the
# page's load time on A.
#
# Needs root (ip netns), node and test/interop/node_modules.  Bounded;
# cleans up its namespaces, processes and temp dir.  MESH_KEEP=1 keeps the
# logs in build/test-artifacts/mesh/bench-flood/.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=bench-flood
KEYS=${KEYS:-1000}
CONNS=${CONNS:-64}
SECS=${SECS:-45}
VOUCH_NODES=${VOUCH_NODES:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../test/mesh/lib.sh"
. "$HERE/../test/mesh/flood-lib.sh"
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "bench/flood.sh: needs root and ip netns" >&2
	exit 1
fi
mesh_setup
flood_line "$VOUCH_NODES"
flood_run "$KEYS" "$CONNS" "$SECS"
LOAD=$(cut -d' ' -f1 /proc/loadavg)

# --- the figures -----------------------------------------------------------
q='"flood: \(.keys) fresh keys over \(.open) connections from one address'
q+=' for \(.ms / 1000) s (\(.presigned) events signed before): \(.sent) sent,'
q+=' \(.accepted) stored and passed on by A, \(.held) stored on A only,'
q+=' \(.duplicate) answered duplicate (the pool again),'
q+=' refused: \(.refused | to_entries | map("\(.value) \(.key):") |'
q+=' join(", ") | if . == "" then "none" else . end)"'
jq -r "$q" "$T/flood.json"
awk -v s="$FLOOD_SENT" -v a="$FLOOD_TAKEN" -v t="$FLOOD_SECS" 'BEGIN {
	printf "flood: %.0f events/s offered to A, %.0f/s taken (stored)\n",
	    s / t, a / t }'
echo "flood: A asked difficulty $FLOOD_DIFF at the end; its store holds" \
    "$FLOOD_A flood events (ceiling: source_events $Q_SRC an hour at" \
    "difficulty 0 from one address)"
# pct: p50, p95 and max of sorted numbers, one a line ("-" if none).
pct() {
	awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - - 0"; exit }
	    printf "%.0f %.0f %.0f %d\n", v[int((NR - 1) * 0.5) + 1],
	    v[int((NR - 1) * 0.95) + 1], v[NR], NR }'
}
for who in vouched fresh; do
	m=$(flood_missing "$who")
	read -r p50 p95 max n < <(flood_latency "$who" | pct)
	read -r o50 o95 omax _ < <(flood_latency "$who" ok | pct)
	read -r b50 b95 bmax _ < <(flood_latency "$who" watchb.json | pct)
	read -r a50 a95 amax _ < <(flood_latency "$who" watcha.json | pct)
	ok=FAIL
	[ "$n" -gt 0 ] && [ "$m" = 0 ] && [ "$p95" -lt 2000 ] && ok=PASS
	echo "honest $who: $((n + m)) reports posted at A during the flood," \
	    "A to C p50 $p50 ms, p95 $p95 ms, max $max ms" \
	    "(goal: p95 < 2000 ms) $ok"
	echo "honest $who: A's OK p50 $o50 ms, p95 $o95 ms, max $omax ms;" \
	    "A's live delivery p50 $a50 ms, p95 $a95 ms, max $amax ms;" \
	    "A to B p50 $b50 ms, p95 $b95 ms, max $bmax ms"
	[ "$m" = 0 ] || echo "honest $who: $m reports never reached C" \
	    "($(flood_refusals "$who"))"
done
echo "honest fresh: mined to difficulty $(flood_bits) (bits: min-max)," \
    "mining took p50 $(flood_mine 0.5) ms, max $(flood_mine 1) ms" \
    "(in Node.js, one core)"
awk -v e="$FLOOD_C" -v b="$FLOOD_C_BYTES" -v ae="$ALLOW_C" \
    -v ab="$ALLOW_C_BYTES" 'BEGIN {
	printf "store on C: %d flood events, %d bytes of JSON " \
	    "(ceiling from the quotas: %d events, %d bytes) %s\n",
	    e, b, ae, ab, e <= ae && b <= ab ? "PASS" : "FAIL" }'
echo "store on C: events.db and its WAL grew by $FLOOD_C_DB bytes over the" \
    "flood (SQLite pages and WAL frames, honest reports too)"
awk -v c="$CPU_A" -v w="$WAIT_A" -v l="$LOAD" 'BEGIN {
	printf "cpu on A: %.2f of one core over the flood (goal: < 1.0) %s; " \
	    "A waited for a CPU %.2f of the time (machine load %s)\n", c,
	    c < 1.0 ? "PASS" : "FAIL", w, l }'
echo "cpu on B: $CPU_B of one core over the flood"
flood_pages | awk '{ v[NR] = $1; bad += $2 != 200 } END {
	n = NR
	if (n == 0) { print "page on A: no load measured FAIL"; exit }
	p50 = v[int((n - 1) * 0.5) + 1]
	printf "page on A: %d loads of / and its files during the flood, " \
	    "p50 %.0f ms, max %.0f ms, %d not 200 (goal: < 2000 ms) %s\n",
	    n, p50, v[n], bad, v[n] < 2000 && bad == 0 ? "PASS" : "FAIL" }'
