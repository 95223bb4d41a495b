#!/bin/bash
# s4-kill9.sh BIN [GEN]: node 1 holds 20000 events (build/tools/gen, then
# `samizdat import`); node 2 starts empty with node 1 as a static peer and
# is killed with SIGKILL while the events are coming in.  Restarted, it
# must end with all of them, and its events.db must pass integrity_check.
# Node 2 calls node 1 (static peer, discovery off), so the events come
# down by REQ; the other direction is s6-upload.sh.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s4-kill9
. "$(dirname "$0")/lib.sh"
GEN=${2:-$ROOT/build/tools/gen}
NGEN=${NGEN:-20000}
mesh_setup

[ -x "$GEN" ] || mesh_fail "no event generator at $GEN (make build/tools/gen)"
lan_new 1
node_new 1
node_new 2
node_link 1 1 eth0
node_link 2 1 eth0
"$GEN" "$NGEN" 4 > "$T/events.jsonl" || mesh_fail "gen"
"$BIN" -q -d "${NODEDIR[1]}" import "$T/events.jsonl" > "$T/import.log" 2>&1 ||
    mesh_fail "import: $(cat "$T/import.log")"
node_conf 2 "peer = ws://$(addr 1 1):4848/"

db2=${NODEDIR[2]}/events.db
count() {
	sqlite3 -readonly "file:$1?mode=ro" \
	    "PRAGMA busy_timeout=2000; SELECT count(*) FROM events;" \
	    2>/dev/null | tail -1
}

# Replaceable events (profiles) replace older ones: the store holds fewer
# than the file.
NEV=$(count "${NODEDIR[1]}/events.db")
node_start 1 --no-discovery
node_ready 1
t0=$(date +%s.%N)
node_start 2 --no-discovery
# Wait for a quarter of the events to land, then kill the receiver.
got=0
for _ in $(seq 1500); do
	got=$(count "$db2")
	[ -n "$got" ] && [ "$got" -ge $((NEV / 4)) ] && break
	sleep 0.01
done
[ -n "$got" ] && [ "$got" -gt 0 ] ||
    mesh_fail "node 2 received nothing in 15 s: $(tail -5 "$T/n2.log")"
[ "$got" -lt "$NEV" ] || mesh_fail "sync finished before the kill"
node_kill9 2
at_kill=$(count "$db2")
echo "--- killed with $at_kill events stored" >> "$T/n2.log"
[ "$at_kill" -lt "$NEV" ] ||
    mesh_fail "all $NEV events were stored before the kill landed"

ic=$(sqlite3 "$db2" "PRAGMA integrity_check;" 2>&1)
[ "$ic" = ok ] || mesh_fail "integrity_check right after kill -9: $ic"

t1=$(date +%s.%N)
node_start 2 --no-discovery
got=0
for _ in $(seq 180); do
	got=$(count "$db2")
	[ "$got" = "$NEV" ] && break
	sleep 0.5
done
[ "$got" = "$NEV" ] ||
    mesh_fail "after the restart node 2 has $got of $NEV events in 90 s"
resync=$(elapsed "$t1")
node_stop 2
node_stop 1
ic=$(sqlite3 "$db2" "PRAGMA integrity_check;" 2>&1)
[ "$ic" = ok ] || mesh_fail "integrity_check after the resync: $ic"
# Same set on both sides, event for event.
echoed=$(grep -c "refused an event" "$T/n1.log")
a=$(sqlite3 "${NODEDIR[1]}/events.db" "SELECT hex(id) FROM events ORDER BY id" | md5sum)
b=$(sqlite3 "$db2" "SELECT hex(id) FROM events ORDER BY id" | md5sum)
[ "$a" = "$b" ] || mesh_fail "the two stores differ after the resync"
echo "ok s4-kill9: killed at $at_kill/$NEV events; restarted node has all" \
    "$NEV after ${resync}s; integrity_check ok (before and after), same set;" \
    "node 1 refused $echoed events echoed back by node 2"
