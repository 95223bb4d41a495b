# t-upgrade.sh: a data dir of schema version 6 (as an older samizdat left
# it) through this samizdat (docs/store.md, "Schema versions"): commands
# keep it at 6, so that an older daemon still serving it reads every row;
# `serve` takes it to 7; rows written since then keep their JSON without
# id and sig, and every event reads back byte for byte, old and new.
. "$(dirname "$0")/lib.sh"
D=$TMP/node
ver() { sqlite3 "$D/events.db" 'PRAGMA user_version'; }
sigcol() { sqlite3 "$D/events.db" "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'sig'"; }

$S -d $D init >/dev/null
$S -d $D post "before: a whole row" >/dev/null
[ "$(ver)" = 7 ] || die "a new store is version $(ver), want 7"
# Version 6 again: each row's whole JSON in json, no sig column.
sqlite3 "$D/events.db" "UPDATE events SET json = '{\"id\":\"' ||
    lower(hex(id)) || '\",' || json || ',\"sig\":\"' || lower(hex(sig)) ||
    '\"}' WHERE sig IS NOT NULL; ALTER TABLE events DROP COLUMN sig;
    PRAGMA user_version = 6;"
$S -d $D export > v6.jsonl

# A command writes to it and leaves it at 6.
$S -d $D post "by a command beside an older daemon" >/dev/null
[ "$(ver)" = 6 ] || die "post took the store to version $(ver)"
[ "$(sigcol)" = 0 ] || die "post added the sig column"

# The daemon takes it to 7.
port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 ))
$S -d $D serve --listen 127.0.0.1:$port --no-discovery >serve.log 2>&1 &
pid=$!
i=0
while [ "$(ver)" != 7 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill $pid; wait $pid || true
! grep -q "runtime error\|AddressSanitizer" serve.log || die "sanitizer report: $(cat serve.log)"
[ "$(ver)" = 7 ] || die "serve left the store at version $(ver): $(cat serve.log)"
$S -d $D post "after: without id and sig" >/dev/null
[ "$(sqlite3 "$D/events.db" 'SELECT count(*) FROM events WHERE sig IS NULL')" -ge 2 ] ||
    die "old rows were rewritten"
[ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE sig IS NOT NULL
    AND length(sig) = 64 AND substr(json, 1, 6) = '\"pubke'")" -ge 1 ] ||
    die "the new row is not stored without its id and sig"

# Every event reads back as it was, and each is a valid signed event.
$S -d $D export > v7.jsonl
[ "$(lines v7.jsonl)" -ge 3 ] || die "export has $(lines v7.jsonl) events"
while read -r line; do
	grep -qxF -- "$line" v7.jsonl || die "changed by the upgrade: $line"
done < v6.jsonl
rm -rf $TMP/again
$S -q -d $TMP/again import v7.jsonl > imp.txt 2>&1 || die "re-import: $(cat imp.txt)"
[ "$($S -d $TMP/again export | lines /dev/stdin)" = "$(lines v7.jsonl)" ] ||
    die "re-import of the export stored a different count: $(cat imp.txt)"
