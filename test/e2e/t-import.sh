# t-import.sh: import/export round trip, bad lines, verify, duplicates.
. "$(dirname "$0")/lib.sh"
A=$TMP/a B=$TMP/b
$GEN 3000 7 > events.jsonl

expect_exit 0 $S -d $A import events.jsonl
expect_in err.txt "3000 lines: "
expect_in err.txt " 0 rejected"
expect_exit 0 $S -d $A export
cp out.txt a.jsonl
# Byte-identical: every stored line is a line of the input.
sort a.jsonl > a.sorted
sort events.jsonl > e.sorted
comm -23 a.sorted e.sorted > extra.txt
[ ! -s extra.txt ] || die "export has lines that were not imported"
# Newest first.
grep -o '"created_at":[0-9]*' a.jsonl | cut -d: -f2 > times.txt
sort -rn -c times.txt || die "export is not newest first"

# A second node from the first one's export: the same set.
$S -d $A export | $S -d $B import - 2>err.txt || die "import from stdin"
$S -d $B export > b.jsonl
cmp a.jsonl b.jsonl || die "round trip through export/import changed events"

# Importing again: everything is a duplicate, nothing is rejected.
expect_exit 0 $S -d $B import a.jsonl
expect_in err.txt "0 stored"
expect_in err.txt " 0 rejected"

# Bad lines are reported with their number and reason; the rest imports.
{
	sed -n 1,3p events.jsonl
	echo '{"not":"an event"}'
	echo 'garbage'
	sed -n 4p events.jsonl | sed 's/"content":"/"content":"X/'
	sed -n 5p events.jsonl | sed 's/"sig":"\(.\)/"sig":"f\1/; s/"sig":"f./"sig":"0/'
	echo
	sed -n 6p events.jsonl | sed 's/"kind":1,/"kind":1.5,/'
	sed -n 7,10p events.jsonl
} > mixed.jsonl
C=$TMP/c
expect_exit 0 $S -d $C import mixed.jsonl
expect_in err.txt "mixed.jsonl:4: invalid: event lacks"
expect_in err.txt "mixed.jsonl:5: invalid: malformed JSON"
expect_in err.txt "mixed.jsonl:6: invalid: id is not the sha256"
expect_in err.txt "mixed.jsonl:9: invalid: kind must be"
! grep -q "mixed.jsonl:8:" err.txt || die "a blank line was reported as an error"
expect_in err.txt " rejected"
$S -d $C export > c.jsonl
n=$(lines c.jsonl)
[ "$n" -ge 6 ] && [ "$n" -le 8 ] || die "expected 7 good events stored, got $n"

# verify: non-zero exit on any failure, with line numbers.
expect_exit 0 $S verify events.jsonl
expect_in err.txt "verify: 3000 ok, 0 failed"
expect_exit 1 $S verify mixed.jsonl
expect_in err.txt "mixed.jsonl:6: invalid: id is not"
expect_exit 1 $S verify nonexistent.jsonl
expect_in err.txt "nonexistent.jsonl"
expect_exit 1 $S -d $C import nonexistent.jsonl
echo ok
