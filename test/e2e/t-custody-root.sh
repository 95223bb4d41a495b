# t-custody-root.sh: time witnesses (docs/archive.md): a node makes a
# custody root of its log (`archive root --now`, the running root: a day
# cannot be made to pass in a test without a clock hook, and the daily
# roots of ended days are test/unit/test-store_root.c's); its bridge
# pushes the root to a second samizdat relay on loopback, which holds it
# with a valid signature; `archive verify` matches the archive's custody
# chain against the root in the archive and against the copy fetched from
# the relay, and names a root that does not match: a log rewritten under
# the same node key, a forged root, a root of lines cut off, a root
# signed by another key.
. "$(dirname "$0")/lib.sh"

port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 )); }
serve() {	# serve DIR PORT [options]: starts a node, waits until it answers
	d=$1 p=$2; shift 2
	$S -d $d serve --listen 127.0.0.1:$p --no-discovery \
	    -o events_per_minute=0 -o created_at_lower_limit=0 -o quotas=false "$@" >/dev/null \
	    2>$d.log &
	echo $! > $d.pid
	i=0
	while ! $S -q -d $d.probe sync --down --filter '{"kinds":[65535]}' \
	    ws://127.0.0.1:$p/ >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "node on $p did not start: $(cat $d.log)"
		sleep 0.2
	done
}
stop() {
	kill "$(cat $1.pid)" && wait "$(cat $1.pid)" || die "node $1 did not exit cleanly: $(tail -5 $1.log)"
	rm -f $1.pid
	! grep -q "runtime error\|AddressSanitizer" $1.log || die "sanitizer report in $1.log"
}
cleanup() { for p in *.pid; do [ -f "$p" ] && kill "$(cat $p)" 2>/dev/null; done; true; }
trap cleanup EXIT

expect_exit 0 $S -d A init
nodeA=$(sed -n 2p out.txt)
expect_exit 0 $S -d C init
$GEN 20 5 > feed.jsonl
expect_exit 0 $S -d A import feed.jsonl
expect_exit 0 $S -d A post "The square is closed off"

# No day has ended since the log began: nothing to close.
expect_exit 0 $S -d A archive root
[ ! -s out.txt ] || die "a root of a day that has not ended"
expect_in err.txt "no root to make"
# The running root: 21 lines so far, signed by the node key.
expect_exit 0 $S -d A archive root --now
[ "$(lines out.txt)" = 1 ] || die "one root event, not $(lines out.txt)"
cp out.txt root.jsonl
today=$(date -u +%Y-%m-%d)
expect_in err.txt "a running root of $today: 21 lines, chain "
rid=$(jq -r .id root.jsonl)
[ "$(jq -r .kind root.jsonl)" = 4921 ] || die "not kind 4921"
[ "$(jq -c '[.tags[] | select(.[0] == "day" or .[0] == "seq") | .[1]]' \
    root.jsonl)" = "[\"$today\",\"21\"]" ] || die "day and seq tags: $(jq -c .tags root.jsonl)"
expect_exit 0 $S -d A post "Later: the square is open again"

# A's bridge is B, a samizdat relay on loopback: the root goes there.
PB=$(port); serve B $PB
PA=$(port); serve A $PA -o bridge=ws://127.0.0.1:$PB/ -o bridge_interval=5
i=0
while ! $S -d B query '{"kinds":[4921]}' > atB.jsonl 2>/dev/null ||
    [ ! -s atB.jsonl ]; do
	i=$((i + 1))
	[ $i -lt 150 ] || die "the bridge did not push the root: $(tail -5 A.log)"
	sleep 0.2
done
stop A
stop B
[ "$(jq -r .id atB.jsonl)" = "$rid" ] || die "B holds another root"
expect_exit 0 $S verify atB.jsonl
expect_in err.txt "verify: 1 ok, 0 failed"

# The archive verifies against the root it holds and B's copy.
expect_exit 0 $S -d A archive out
expect_exit 0 $S archive verify out
expect_in out.txt "custody: day $today running root matches event $rid (seq 21, events.jsonl line 22)"
expect_exit 0 $S archive verify --node $nodeA --roots atB.jsonl out
expect_in out.txt "custody: day $today running root matches event $rid (seq 21, atB.jsonl line 1)"
expect_in out.txt "OK out: 23 events"

# The same node key, another history: the archive is valid on its own,
# but not against the root the relay holds.
mkdir A2
cp A/key A2/key
$GEN 25 6 > other.jsonl
expect_exit 0 $S -d A2 import other.jsonl
expect_exit 0 $S -d A2 archive rewritten
expect_exit 0 $S archive verify --node $nodeA rewritten
expect_exit 1 $S archive verify --node $nodeA --roots atB.jsonl rewritten
expect_in out.txt "FAIL custody.jsonl seq 21: the chain is "
expect_in out.txt "but custody root event $rid (day $today, atB.jsonl line 1) says "
expect_in out.txt ": the log was changed after the node published that root"

# A root in the archive that does not match, and one past its end.
zero=$(printf '%064d' 0)
expect_exit 0 $S -d A post -k 4921 -t day=$today -t seq=3 -t chain=$zero ""
bad=$(jq -r .id out.txt)
expect_exit 0 $S -d A post -k 4921 -t day=$today -t seq=999 -t chain=$zero ""
cut=$(jq -r .id out.txt)
expect_exit 0 $S -d A archive forged
expect_exit 1 $S archive verify forged
expect_in out.txt "FAIL custody.jsonl seq 3: the chain is "
expect_in out.txt "but custody root event $bad (day $today, events.jsonl line 24) says $zero"
expect_in out.txt "FAIL custody root event $cut (day $today, events.jsonl line 25) covers seq 999, but custody.jsonl ends at seq 25 (lines were cut off)"
expect_in out.txt "custody: day $today running root matches event $rid"

# A root from elsewhere must be the archive's node's, and a root.
expect_exit 0 $S -d C post "another node"
expect_exit 0 $S -d C archive c
expect_exit 1 $S archive verify --roots atB.jsonl c
expect_in out.txt "FAIL atB.jsonl line 1: signed by $nodeA, not by the archive's node"
head -n 1 feed.jsonl > note.jsonl
expect_exit 1 $S archive verify --roots note.jsonl out
expect_in out.txt "FAIL note.jsonl line 1: signed by "
jq -c '.tags[1][1] = "22"' root.jsonl > changed.jsonl
expect_exit 1 $S archive verify --roots changed.jsonl out
expect_in out.txt "FAIL changed.jsonl line 1: its id or signature does not verify"
