#!/bin/bash
# run.sh [BIN [GEN]]: the mesh tests, in network namespaces (needs root
# and ip netns; skipped without them unless CI is set).  Each scenario is
# a script of its own that builds its namespaces, runs its nodes and
# removes everything again; its result is one line.  Logs of a failed
# scenario are kept in build/test-artifacts/mesh/SCENARIO/.
#
#   s1-lan        5 nodes, one LAN, discovery: every note on every node
#   s2-line       A - B - C on two LANs: store and forward through B
#   s3-partition  4 nodes, LAN cut in two (silently, then by link down),
#                 notes on both sides, healed: convergence
#   s4-kill9      kill -9 of a node receiving 20000 events; restart;
#                 full count and integrity_check
#   s5-hostile    forged events and floods from a hostile host; honest
#                 notes still cross at once
#   s6-bulk       big catch-up both ways: no rate limit between nodes, no
#                 echo of downloaded events
#   s7-mdns-flood 300 fake nodes announced by one host (at its address,
#                 then at 300 others): a real node is still linked within
#                 10 s, the table stays bounded, the fakes expire
#   s8-photo      A - B - C: a photo posted on A is served by C, stripped,
#                 its hash checked, fetched hop by hop
#   s9-flood      A - B - C, quotas on: 200 fresh keys flood A for 15 s;
#                 honest reports (a vouched key's, an unknown key's with
#                 proof of work) reach C, C holds no more of the flood
#                 than the quotas let through, A's page is served
#
# Environment: ONLY="s1 s3" runs some; MESH_KEEP=1 keeps logs of passing
# scenarios too; CI set makes "no root or no ip netns" a failure.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/samizdat}")
GEN=${2:-$ROOT/build/tools/gen}

skip() {
	if [ -n "${CI:-}" ]; then
		echo "mesh tests: $1 (CI is set: failing)" >&2
		exit 1
	fi
	echo "mesh tests skipped: need root and ip netns ($1)"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "not root"
ip netns list >/dev/null 2>&1 || skip "no ip netns"
probe="sdm$$probe"
ip netns add "$probe" 2>/dev/null || skip "ip netns add fails"
# ip -n and ip netns exec make / a slave mount in a mount namespace of
# their own, which fails where / is no mount point: in a plain chroot.
if ! err=$(ip -n "$probe" link set lo up 2>&1); then
	ip netns del "$probe"
	skip "ip -n fails: $err"
fi
ip netns del "$probe"
for t in jq sqlite3 node npm; do
	command -v "$t" >/dev/null ||
	    { echo "mesh tests: $t is not installed" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "mesh tests: no binary $BIN" >&2; exit 1; }
if [ ! -x "$GEN" ]; then
	make -C "$ROOT" -s build/tools/gen >/dev/null ||
	    { echo "mesh tests: cannot build $GEN" >&2; exit 1; }
fi
# s7's hostile host announces its fakes with an avahi-core of its own.
make -C "$ROOT" -s build/tools/mdns-flood >/dev/null ||
    { echo "mesh tests: cannot build build/tools/mdns-flood" >&2; exit 1; }
# s5's hostile host uses test/interop's npm packages, as the relay tests
# do; installed here too, so that `make mesh` works on a fresh clone.
"$ROOT/scripts/npm-ci.sh" "$ROOT/test/interop" "the mesh tests"

# Per-scenario limits (s): generous; a scenario normally takes far less.
declare -A LIMIT=([s1-lan]=90 [s2-line]=90 [s3-partition]=150
    [s4-kill9]=150 [s5-hostile]=120 [s6-bulk]=240 [s7-mdns-flood]=480
    [s8-photo]=150 [s9-flood]=150)
fails=0
t0=$(date +%s)
for s in s1-lan s2-line s3-partition s4-kill9 s5-hostile s6-bulk \
    s7-mdns-flood s8-photo s9-flood; do
	if [ -n "${ONLY:-}" ] && ! echo " $ONLY " | grep -q " ${s%%-*} "; then
		continue
	fi
	ts=$(date +%s)
	timeout -s TERM -k 10 "${LIMIT[$s]}" bash "$HERE/$s.sh" "$BIN" "$GEN"
	rc=$?
	if [ $rc != 0 ]; then
		fails=$((fails + 1))
		[ $rc = 124 ] && echo "FAIL $s: over ${LIMIT[$s]} s" >&2
		echo "FAIL $s ($(( $(date +%s) - ts ))s)"
	fi
done
echo "mesh tests: $fails failed, $(( $(date +%s) - t0 ))s"
[ $fails = 0 ]
