# t-store-errors.sh: a corrupt or locked store, a bad key, a full disk:
# a clear message, a non-zero exit, nothing lost.
. "$(dirname "$0")/lib.sh"
D=$TMP/node
$S -d $D init >/dev/null
$S -d $D post "first" >/dev/null

# Unreadable key.
cp $D/key key.bak
echo "not a key" > $D/key
expect_exit 1 $S -d $D post "x"
expect_in err.txt "$D/key:1: not a secret key"
cp key.bak $D/key

# Locked store: another process holds the write lock until we close its input.
mkfifo lockctl
sqlite3 $D/events.db < lockctl >/dev/null 2>&1 &
lockpid=$!
exec 3>lockctl
echo 'BEGIN EXCLUSIVE;' >&3
echo '.system touch locked' >&3
i=0; while [ ! -f locked ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
[ -f locked ] || die "could not take the lock"
expect_exit 1 $S -d $D post "while locked"
expect_in err.txt "locked"
exec 3>&-
wait $lockpid 2>/dev/null || true
expect_exit 0 $S -d $D post "after the lock"

# Corrupt store.
cp $D/events.db good.db
rm -f $D/events.db-wal $D/events.db-shm
head -c 8192 /dev/urandom > $D/events.db
expect_exit 1 $S -d $D export
expect_in err.txt "not a usable samizdat store"
cp good.db $D/events.db

# Full disk: a tiny tmpfs (needs root; skipped with a message otherwise).
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=1200k tmpfs small 2>/dev/null; then
	trap 'umount '"$TMP"'/small 2>/dev/null || true' EXIT
	$GEN 6000 5 > events.jsonl
	expect_exit 1 $S -d small/node import events.jsonl
	expect_in err.txt "disk is full"
	expect_in err.txt "run the same import again"
	# What was committed is intact and verifies.
	$S -d small/node export > part.jsonl 2>/dev/null || true
	$S verify part.jsonl 2>/dev/null || die "events stored before the disk filled do not verify"
	[ "$(sqlite3 small/node/events.db 'PRAGMA integrity_check')" = ok ] || die "store damaged by full disk"
	umount small
	trap - EXIT
else
	echo "note: full-disk case skipped (needs root and tmpfs)"
fi
echo ok
