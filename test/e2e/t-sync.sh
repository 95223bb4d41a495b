# t-sync.sh: sync with a data dir (a USB stick): both directions converge,
# a second run moves nothing, --up and --down move one way only, and a
# stick carrying forged events gets them rejected and counted while the
# rest goes through.
. "$(dirname "$0")/lib.sh"
$GEN 3000 11 > all.jsonl
head -n 2000 all.jsonl > a.jsonl
tail -n 1500 all.jsonl > b.jsonl
$S -d A import a.jsonl 2>/dev/null
$S -d B import b.jsonl 2>/dev/null

expect_exit 0 $S -d A sync B
expect_in err.txt "sync B: have "
$S -d A export | sort > A.s
$S -d B export | sort > B.s
cmp A.s B.s || die "A and B differ after sync"
# The same set a single import of everything gives.
$S -d C import all.jsonl 2>/dev/null
$S -d C export | sort > C.s
cmp A.s C.s || die "synced set differs from importing everything"
$S verify A.s 2>/dev/null || die "a synced event does not verify"

# Idempotent: nothing left to move.
expect_exit 0 $S -d A sync B
expect_in err.txt "have 0, need 0"

# One way only.
$GEN 200 12 > more.jsonl
$S -d D import more.jsonl 2>/dev/null
expect_exit 0 $S -d A sync --down D
expect_in err.txt "up: 0 accepted"
[ "$($S -d D export | wc -l)" = 200 ] || die "--down wrote to the target"
expect_exit 0 $S -d E init
expect_exit 0 $S -d A sync --up E
[ "$($S -d A export | wc -l)" = "$($S -d E export | wc -l)" ] ||
    die "--up did not fill the empty stick"

# A hostile stick: rows whose JSON is forged (content changed after
# signing, a broken signature) sit beside good ones.
$S -d H import more.jsonl 2>/dev/null
$GEN 5 99 > victims.jsonl
sed -n 1p victims.jsonl | sed 's/"content":"/"content":"FORGED /' > forged1.json
sed -n 2p victims.jsonl | sed 's/"sig":"\(.\)/"sig":"\1\1/; s/"sig":"\(.\{128\}\)./"sig":"\1/' > forged2.json
for f in forged1.json forged2.json; do
	id=$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' $f)
	json=$(sed "s/'/''/g" $f)
	sqlite3 H/events.db "INSERT INTO events(id, created_at, kind, aid, json)
	    VALUES (X'$id', 1641168000, 1, 1, '$json')"
done
expect_exit 0 $S -d F sync --down H
expect_in err.txt "down: 200 accepted"
expect_in err.txt "2 rejected"
expect_in err.txt "an event was rejected: invalid:"
[ "$($S -d F export | wc -l)" = 200 ] || die "forged events were stored"

# Bad targets say what to do.
expect_exit 1 $S -d A sync "$TMP/nowhere"
expect_in err.txt "samizdat -d $TMP/nowhere init"
expect_exit 1 $S -d A sync ws://127.0.0.1:1/
expect_in err.txt "failed: Unable to connect"
expect_exit 2 $S -d A sync
expect_exit 2 $S -d A sync --up --down B
echo ok

# The stick is remembered: samizdat peers lists it with its counts, and
# status names it for an event copied onto it and one that came from it.
$S -d P init >/dev/null 2>&1
$S -d S init >/dev/null 2>&1
mine=$($S -d P post "from P" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
theirs=$($S -d S post "from S" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
expect_exit 0 $S -d P sync S
$S -d P peers > peers.txt
expect_in peers.txt "dir S"
expect_in peers.txt "1 sent, 1 received, 0 refused"
$S -d P status "$mine" > st.txt
expect_in st.txt "accepted by   dir   S"
$S -d P status "$theirs" > st.txt
expect_in st.txt "received from dir   S"

# Time: events dated a century ahead are refused by import and by a sync
# from a stick that took them (its own future_limit = 0), and come with
# a later sync once they are due; a day ahead still flows.
far=$(( $(date +%s) + 100 * 365 * 86400 ))
soon=$(( $(date +%s) + 86400 ))
$GEN 20 31 $far > far.jsonl
$GEN 5 32 $soon > soon.jsonl
expect_exit 0 $S -d T import far.jsonl
expect_in err.txt "far.jsonl:1: invalid: created_at is too far in the future"
expect_in err.txt "20 rejected"
$S -d W init >/dev/null 2>&1
echo "future_limit = 0" > W/samizdat.conf
expect_exit 0 $S -d W import far.jsonl
expect_in err.txt "20 stored"
expect_exit 0 $S -d W import soon.jsonl
expect_exit 0 $S -d T sync --down W
expect_in err.txt "down: 5 accepted"
expect_in err.txt "20 rejected"
expect_in err.txt "invalid: created_at is too far in the future"
[ "$($S -d T export | wc -l)" = 5 ] || die "far-future events were stored"
