# t-crash.sh: kill -9 during an import leaves a consistent store; running
# the import again completes it.
. "$(dirname "$0")/lib.sh"
D=$TMP/node
$GEN 20000 3 > events.jsonl
$S -d $D init >/dev/null
$S -d $D import events.jsonl 2>/dev/null &
pid=$!
# Let it commit some batches, then kill it hard.
i=0
while [ $i -lt 100 ]; do
	sleep 0.1
	n=$(sqlite3 -readonly "file:$D/events.db?mode=ro" 'SELECT count(*) FROM events' 2>/dev/null || echo 0)
	[ "$n" -gt 2000 ] && break
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null || die "import finished before it could be killed"
wait $pid 2>/dev/null || true
[ "$(sqlite3 $D/events.db 'PRAGMA integrity_check')" = ok ] || die "integrity_check failed"
$S -d $D export > after.jsonl
n1=$(lines after.jsonl)
[ "$n1" -lt 20000 ] || die "kill came too late ($n1 events stored)"
$S verify after.jsonl 2>/dev/null || die "a stored event does not verify"
# Every stored event is whole: each exported line is an input line.
sort after.jsonl > a.s; sort events.jsonl > e.s
[ -z "$(comm -23 a.s e.s)" ] || die "a stored event differs from its input"
expect_exit 0 $S -d $D import events.jsonl
expect_in err.txt "$n1 duplicate"
$S -d $D export > final.jsonl
sort final.jsonl > f.s
want=$(sort -u events.jsonl | wc -l)
# Replaceable kinds keep only the newest version, so compare against a
# fresh import rather than the line count.
$S -d $TMP/fresh import events.jsonl 2>/dev/null
$S -d $TMP/fresh export | sort > fresh.s
cmp f.s fresh.s || die "resumed import differs from a clean one"
echo "killed at $n1 of $want; resumed to $(lines final.jsonl)"
echo ok
