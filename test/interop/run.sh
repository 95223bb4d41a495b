#!/bin/sh
# run.sh: the interop tests against nostr-tools: samizdat's NIP-01
# serialization and ids (canon.mjs) and its NIP-77 engine
# (negentropy.mjs).  Installs the pinned test-only npm dependencies from
# package-lock.json when node_modules is missing or older than the lock
# file, then runs both on the tools built under BUILD_SAN_DIR.
# Usage: sh test/interop/run.sh BUILD_SAN_DIR   (make interop does this)
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh test/interop/run.sh BUILD_SAN_DIR" >&2
	exit 2
fi
case $1 in
/*)	tool=$1/tools/canon ;;
*)	tool=$(pwd)/$1/tools/canon ;;
esac
if [ ! -x "$tool" ]; then
	echo "interop: $tool is missing; run make $1/tools/canon" >&2
	exit 1
fi
for c in node npm; do
	if ! command -v $c >/dev/null 2>&1; then
		echo "interop: $c is not installed (make deps-test)" >&2
		exit 1
	fi
done

cd "$(dirname "$0")"
../../scripts/npm-ci.sh . "the interop tests"
node canon.mjs "$tool"
# The negentropy engine against nostr-tools' NIP-77 client.
exec node negentropy.mjs "$(dirname "$tool")/neg-harness"
