#!/bin/sh
# run.sh: the browser tests of the offline page.  Starts a fresh samizdat
# node on a free loopback port in a temp data dir, drives the page it
# serves at / in Debian's Chromium (headless, through playwright-core) with
# node:test, then stops the node and removes the dir, whatever happened.
# Then opens an evidence archive's viewer from a file path (viewer.test.mjs).
# Installs what it needs when missing: chromium (apt-get, as root) and the
# pinned npm packages of test/web/ and web/ (npm ci from their lock files).
#
# Usage: sh test/web/run.sh [BIN]     BIN defaults to build/samizdat
# Environment:
#   CHROMIUM   the browser (default /usr/bin/chromium)
#   WEB_PAGE   a built page (node web/build.mjs OUT) to test instead of the
#              one embedded in BIN: served by a small proxy in front of the
#              node, for working on web/ without relinking
#   WEB_FILES  the test files to run, in order (default: page.test.mjs
#              media.test.mjs pow.test.mjs; pow.test.mjs starts nodes of
#              its own from BIN)
#   WEB_TESTS  a pattern: only the tests whose names match it run
#              (node --test-name-pattern), for working on one part
# Screenshots go to build/test-artifacts/web-*.png.  Output ends with the
# test runner's summary; the exit status is non-zero if any test failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
abs() {
	case $1 in
	/*)	printf '%s\n' "$1" ;;
	*)	printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}
BIN=$(abs "${1:-build/samizdat}")
if [ ! -x "$BIN" ]; then
	echo "web: $BIN is missing; run make" >&2
	exit 1
fi
if [ -n "${WEB_PAGE:-}" ]; then
	WEB_PAGE=$(abs "$WEB_PAGE")
	export WEB_PAGE
fi
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
sh "$root/scripts/chromium.sh" "the page tests"
for c in node npm; do
	if ! command -v $c >/dev/null 2>&1; then
		echo "web: $c is not installed (make deps-test)" >&2
		exit 1
	fi
done
# test/web: playwright-core; web/: nostr-tools, which plays a NIP-07
# extension in one test.
for d in "$here" "$root/web"; do
	"$root/scripts/npm-ci.sh" "$d" "the page tests"
done

art=$root/build/test-artifacts
mkdir -p "$art"
dir=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-web.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A free port: bind port 0 and close; retried below if the node loses it.
free_port() {
	node -e '
	    const s = require("net").createServer();
	    s.listen(0, "127.0.0.1", () => {
		console.log(s.address().port);
		s.close();
	    });'
}
# True once the relay answers a NIP-11 request on port $1.
answers() {
	node -e '
	    require("http").get({ host: "127.0.0.1", port: process.argv[1],
		headers: { accept: "application/nostr+json" } },
		(r) => process.exit(r.statusCode === 200 ? 0 : 1))
		.on("error", () => process.exit(1));' "$1" 2>/dev/null
}
noisy=
if "$BIN" serve --help 2>&1 | grep -q -- --no-discovery; then
	noisy=--no-discovery	# never announce on a real LAN from a test
fi
SAMIZDAT_DIR=$dir "$BIN" init >/dev/null
tries=0
while :; do
	port=$(free_port)
	# A small content limit so the refusal test can hit it.  The page
	# test seeds hundreds of reports from one fresh key: the flood
	# defence's quotas are off (test/relay/flood.test.mjs tests them).
	cat > "$dir/samizdat.conf" <<CONF
listen = 127.0.0.1:$port
max_content_length = 500
quotas = false
CONF
	SAMIZDAT_DIR=$dir "$BIN" serve $noisy >"$dir/serve.log" 2>&1 &
	pid=$!
	up=0
	for _ in $(seq 50); do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if answers "$port"; then
			up=1
			break
		fi
		sleep 0.1
	done
	[ $up -eq 1 ] && break
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	tries=$((tries + 1))
	if [ $tries -ge 3 ]; then
		echo "web: the node did not start:" >&2
		cat "$dir/serve.log" >&2
		exit 1
	fi
done

status=0
files=
for f in ${WEB_FILES:-page.test.mjs media.test.mjs pow.test.mjs}; do
	files="$files $here/$f"
done
set --
if [ -n "${WEB_TESTS:-}" ]; then
	set -- "--test-name-pattern=$WEB_TESTS"
fi
NODE_PORT=$port ARTIFACTS=$art CHROMIUM=$CHROMIUM SAMIZDAT_BIN=$BIN \
    timeout -k 5 600 node --test --test-concurrency=1 "$@" \
    $files || status=$?
if [ $status != 0 ]; then
	cp "$dir/serve.log" "$art/web-serve.log"
	echo "web: the node's log, its last 60 lines (all of it in" \
	    "$art/web-serve.log):" >&2
	tail -n 60 "$dir/serve.log" >&2
fi

kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=

# The evidence archive's viewer, from a file path (viewer.test.mjs): a
# node of its own with a photo in its blob store, a report naming it and
# a witness mark on the report.
a=$dir/arch
"$BIN" -d "$a" init >/dev/null
printf 'a photo' > "$dir/photo.jpg"
h=$(sha256sum "$dir/photo.jpg" | cut -c1-64)
mkdir -p "$a/blobs/$(echo "$h" | cut -c1-2)"
cp "$dir/photo.jpg" "$a/blobs/$(echo "$h" | cut -c1-2)/$h"
"$BIN" -d "$a" post -t x="$h" "Road to the airport is blocked" > "$dir/r.json"
rid=$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' "$dir/r.json")
"$BIN" -d "$a" post -k 1985 -t e="$rid" -t L=samizdat -t l=confirmed \
    "I saw it" >/dev/null
"$BIN" -q -d "$a" archive "$dir/out" >/dev/null
ARCHIVE_DIR=$dir/out ARTIFACTS=$art CHROMIUM=$CHROMIUM \
    timeout -k 5 300 node --test --test-concurrency=1 \
    "$here/viewer.test.mjs" || status=$?

san='ERROR: (Address|Leak)Sanitizer|runtime error|SUMMARY: [A-Za-z]*Sanitizer'
if grep -Eq "$san" "$dir/serve.log"; then
	echo "web: sanitizer report from the node:" >&2
	cat "$dir/serve.log" >&2
	status=1
fi
exit $status
