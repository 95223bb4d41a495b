# t-stick-hostile.sh: a stick's events.db is data, never code.  A stick
# with a trigger, a view that never ends, an extra table or index, a
# wrong schema version, events.db or its WAL a symbolic link or a pipe,
# or the stick's dir a link, is refused quickly, by name, before a row
# is read: the trigger never runs, the file a link points at is left as
# it was, and the node's own store is unchanged.  A stick removed or cut
# short while a long sync runs fails the sync with a clear message, and
# the node does not record as held by it what is not on it.  An honest
# stick still syncs.
. "$(dirname "$0")/lib.sh"
$GEN 300 31 > n.jsonl
$S -d N import n.jsonl 2>/dev/null
$S -d N export | sort > N.before

fresh() {
	rm -rf "$1"
	$S -d "$1" init >/dev/null 2>&1
}
sum() { cksum < "$1"; }
# refused DIR TEXT [OPTION]: `sync [OPTION] DIR` fails within 10 s naming
# TEXT; the node's events are unchanged and it did not even note the
# stick as a link.
refused() {
	expect_exit 1 timeout -s KILL 10 $S -d N sync ${3:-} "$1"
	expect_in err.txt "samizdat: sync: stick $1: "
	expect_in err.txt "$2"
	$S -d N export | sort | cmp -s - N.before ||
	    die "refusing $1 changed the node's store"
	$S -d N peers > peers.txt
	if grep -qF "dir $1" peers.txt; then
		die "a refused stick $1 was recorded as a link"
	fi
}

# A trigger on every insert: it must never run.
fresh T
sqlite3 T/events.db "CREATE TABLE spy(id BLOB);
    CREATE TRIGGER evil AFTER INSERT ON events BEGIN
    INSERT INTO spy VALUES (new.id); END;"
before=$(sum T/events.db)
refused T "refused: it has a trigger 'evil' that samizdat did not make"
expect_in err.txt "a store from elsewhere is data, never code"
[ "$(sqlite3 T/events.db 'SELECT count(*) FROM spy')" = 0 ] ||
    die "the stick's trigger ran"
[ "$(sqlite3 T/events.db 'SELECT count(*) FROM events')" = 0 ] ||
    die "events were written to a refused stick"
[ "$(sum T/events.db)" = "$before" ] || die "a refused stick was written"

# A trigger that never ends (its view yields nothing, so it costs time,
# not memory), and events itself such a view, read by a --down sync:
# refused at once, not hung.
fresh T2
sqlite3 T2/events.db "CREATE TABLE spy(n);
    CREATE VIEW forever AS WITH RECURSIVE r(n) AS
    (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r WHERE n < 0;
    CREATE TRIGGER slow AFTER INSERT ON events BEGIN
    INSERT INTO spy SELECT n FROM forever; END;"
refused T2 "refused: it has a trigger 'slow' that samizdat did not make"
fresh V
sqlite3 V/events.db "DROP TABLE events; CREATE VIEW events AS
    WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
    SELECT n AS eid, randomblob(32) AS id, n AS created_at, 1 AS kind,
    1 AS aid, NULL AS d, NULL AS expires, '' AS json FROM r WHERE n < 0;"
refused V "refused: it has a view 'events' where samizdat makes a table" \
    --down

# An extra table, an extra index, a wrong schema version.
fresh X
sqlite3 X/events.db "CREATE TABLE extra(x)"
refused X "refused: it has a table 'extra' that samizdat did not make"
fresh I
sqlite3 I/events.db "CREATE INDEX ev_sneaky ON events(json)"
refused I "refused: it has an index 'ev_sneaky' that samizdat did not make"
fresh U
sqlite3 U/events.db "PRAGMA user_version = 9"
refused U "refused: it was made by a newer samizdat (schema version 9"
fresh Z
sqlite3 Z/events.db "PRAGMA user_version = 0"
refused Z "refused: it is not a samizdat store (schema version 0)"

# events.db a link to another SQLite file: refused, the file untouched.
sqlite3 other.db "CREATE TABLE notes(x); INSERT INTO notes VALUES ('mine')"
before=$(sum other.db)
mkdir L
ln -s ../other.db L/events.db
refused L "refused: its events.db is a symbolic link, not a file"
[ "$(sum other.db)" = "$before" ] || die "the link's target was written"
[ "$(sqlite3 other.db 'SELECT count(*) FROM sqlite_schema')" = 1 ] ||
    die "a schema was made in the link's target"

# The WAL a link to a file of ours, or a pipe (which would block a read).
fresh W
echo "keep me" > precious
ln -s ../precious W/events.db-wal
refused W "refused: its events.db-wal is a symbolic link, not a file"
[ "$(cat precious)" = "keep me" ] || die "the WAL link's target was written"
fresh P
mkfifo P/events.db-wal
refused P "refused: its events.db-wal is a named pipe, not a file"

# The stick's dir a link (to an honest store, even).
fresh H
ln -s H HL
refused HL "refused: $TMP/HL is a symbolic link"

# A file that is no store is refused, never made into one.
mkdir E
: > E/events.db
refused E "refused: its events.db is empty, not a samizdat store"
[ ! -s E/events.db ] || die "a schema was made in an empty file"

# An honest stick still syncs, both ways.
expect_exit 0 $S -d N sync H
expect_in err.txt "sync H: have $(lines N.before), need 0"
$S -d H export | sort | cmp -s - N.before || die "the honest stick differs"

# A stick removed, then one cut short, while a long sync runs: the sync
# fails with a clear message, and nothing is recorded as held by the
# stick that is not on it.
$GEN 20000 32 > big.jsonl
$SAMIZDAT -d B import big.jsonl 2>/dev/null	# setup: never under valgrind
held() {
	sqlite3 B/events.db "SELECT count(*) FROM seen JOIN links USING (lid)
	    WHERE links.name = '$1'"
}
# midsync DIR CMD...: runs `sync --up DIR` and CMD once the stick's WAL
# shows the copy has begun.
midsync() {
	dir=$1; shift
	fresh "$dir"
	set +e
	$S -d B sync --up "$dir" >out.txt 2>err.txt &
	pid=$!
	i=0
	while [ "$(stat -c %s "$dir/events.db-wal" 2>/dev/null || echo 0)" \
	    -lt 100000 ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	"$@"
	wait $pid
	got=$?
	set -e
	[ "$got" = 1 ] || { cat err.txt >&2; die "sync onto a changing stick exited $got"; }
}
midsync R rm -rf R
expect_in err.txt "samizdat: sync: stick R: the stick was moved or changed during the sync: "
expect_in err.txt "; nothing more is recorded as held by it"
[ "$(held R)" = 0 ] || die "events recorded as held by a removed stick"
last=$(tail -n 1 big.jsonl | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
$S -d B status "$last" > st.txt
if grep -q "dir   R" st.txt; then
	die "status claims a removed stick holds an event"
fi
midsync C truncate -s 0 C/events.db
expect_in err.txt "samizdat: sync: stick C: the stick was moved or changed during the sync: its events.db was removed or cut short"
n=$(sqlite3 C/events.db 'SELECT count(*) FROM events' 2>/dev/null || echo 0)
[ "$(held C)" -le "$n" ] || die "more recorded as held by the cut stick than it has"
echo ok
