#!/bin/sh
# run.sh: the relay tests -- `samizdat serve` driven over WebSocket by
# nostr-tools and by a raw client, under load, through crashes and next to
# the CLI.  Node's built-in test runner runs test/relay/*.test.mjs one file
# at a time; each file starts its own relays (lib.mjs) on random loopback
# ports in temp data dirs and cleans up after itself.
#
# Usage: sh test/relay/run.sh SAMIZDAT GEN   (make check does this)
#   SAMIZDAT  the samizdat binary, normally build/san/samizdat (ASan)
#   GEN       the event generator, build/tools/gen
# Environment:
#   RELAY_TESTS              test files to run instead of all of them
#   RELAY_TEST_CONCURRENCY   files run at once (default 1)
#
# The npm packages come from test/interop (nostr-tools, ws), installed from
# its package-lock.json when node_modules is missing or older than the
# lock file.  Output ends with the test runner's TAP summary (# pass N,
# # fail N); the exit status is non-zero if any test failed.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: sh test/relay/run.sh SAMIZDAT GEN" >&2
	exit 2
fi
abs() {
	case $1 in
	/*)	printf '%s\n' "$1" ;;
	*)	printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}
SAMIZDAT=$(abs "$1")
GEN=$(abs "$2")
for f in "$SAMIZDAT" "$GEN"; do
	if [ ! -x "$f" ]; then
		echo "relay: $f is missing; run make build/san/samizdat" \
		    "build/tools/gen" >&2
		exit 1
	fi
done
for c in node npm; do
	if ! command -v $c >/dev/null 2>&1; then
		echo "relay: $c is not installed (make deps-test)" >&2
		exit 1
	fi
done

here=$(cd "$(dirname "$0")" && pwd)
interop=$(cd "$here/../interop" && pwd)
"$here/../../scripts/npm-ci.sh" "$interop" "the relay tests"

# The load test holds 500 connections, both ends in processes of ours.
n=$(ulimit -n)
if [ "$n" != unlimited ] && [ "$n" -lt 4096 ]; then
	ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -H -n)" \
	    2>/dev/null || true
fi

export SAMIZDAT GEN
cd "$here"
set -- --test --test-reporter=tap
help=$(node --help)
case $help in
*--test-concurrency*)
	set -- "$@" --test-concurrency="${RELAY_TEST_CONCURRENCY:-1}" ;;
esac
case $help in
*--test-force-exit*)
	set -- "$@" --test-force-exit ;;
esac
# A default for tests without their own timeout, where Node has the flag
# (20.11 and later; not Debian 12's Node 18).  Every test here passes its
# own { timeout } to test(), which every Node honours.
case $help in
*--test-timeout*)
	set -- "$@" --test-timeout=300000 ;;
esac
# shellcheck disable=SC2086 # RELAY_TESTS is a list of file names
exec node "$@" ${RELAY_TESTS:-*.test.mjs}
