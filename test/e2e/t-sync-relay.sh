# t-sync-relay.sh: sync with a relay over WebSocket on loopback: NIP-77
# with a samizdat relay, the REQ/EVENT fallback with one that has NIP-77
# turned off, one-way sync, and a relay that is not there.
. "$(dirname "$0")/lib.sh"
$GEN 3000 21 > all.jsonl
head -n 2000 all.jsonl > a.jsonl
tail -n 1500 all.jsonl > b.jsonl

port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 )); }
# serve DIR PORT [options]: starts a relay, waits until it answers.
# Thousands of events of a few fresh keys in one go: the flood defence's
# quotas are off here (test/relay/flood.test.mjs tests them).
serve() {
	d=$1 p=$2; shift 2
	$S -d $d serve --listen 127.0.0.1:$p -o events_per_minute=0 \
	    -o created_at_lower_limit=0 -o quotas=false "$@" >/dev/null \
	    2>$d.log &
	echo $! > $d.pid
	i=0
	while ! $S -q -d $d.probe sync --down --filter '{"kinds":[65535]}' \
	    ws://127.0.0.1:$p/ >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "relay on $p did not start: $(cat $d.log)"
		sleep 0.2
	done
}
stop() {
	kill "$(cat $1.pid)" && wait "$(cat $1.pid)" || die "relay $1 did not exit cleanly: $(tail -5 $1.log)"
	! grep -q "runtime error\|AddressSanitizer" $1.log || die "sanitizer report in $1.log"
}
cleanup() { for p in *.pid; do kill "$(cat $p)" 2>/dev/null || true; done; }
trap cleanup EXIT

$S -d A import a.jsonl 2>/dev/null
$S -d B import b.jsonl 2>/dev/null
$S -d C import b.jsonl 2>/dev/null
$S -d A2 import a.jsonl 2>/dev/null

PB=$(port); serve B $PB
expect_exit 0 $S -d A sync ws://127.0.0.1:$PB/
expect_in err.txt "need 1000"
! grep -q "no NIP-77" err.txt || die "fell back although the relay has NIP-77"
$S -d A export | sort > A.s
$S -d B export | sort > B.s
cmp A.s B.s || die "A and the relay B differ after sync"
expect_exit 0 $S -d A sync ws://127.0.0.1:$PB/
expect_in err.txt "have 0, need 0"
# The relay is remembered with what went each way.
$S -d A peers > peers.txt
expect_in peers.txt "relay ws://127.0.0.1:$PB/"
expect_in peers.txt "1495 sent, 1000 received, 0 refused"
stop B

# NIP-77 off: the same result through REQ by time windows and EVENT.
PC=$(port); serve C $PC -o negentropy=false
expect_exit 0 $S -d A2 sync ws://127.0.0.1:$PC/
expect_in err.txt "no NIP-77"
$S -d A2 export | sort > A2.s
$S -d C export | sort > C.s
cmp A2.s C.s || die "fallback sync did not converge"
cmp A2.s A.s || die "fallback sync gave another set than NIP-77 sync"
stop C

# One way only: --down leaves the relay as it was.
$S -d D import a.jsonl 2>/dev/null
PE=$(port); $S -d E import b.jsonl 2>/dev/null; serve E $PE
expect_exit 0 $S -d D sync --down ws://127.0.0.1:$PE/
expect_in err.txt "up: 0 accepted"
[ "$($S -d E export | wc -l)" = 1500 ] || die "--down wrote to the relay"
stop E

# Nobody there: a clear failure, quickly.
expect_exit 1 $S -d A sync ws://127.0.0.1:$(port)/
expect_in err.txt "failed"
expect_in err.txt "run the same sync again"
echo ok
