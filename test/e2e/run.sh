#!/bin/sh
# run.sh: runs every test/e2e/t-*.sh against a samizdat binary.
# Usage: run.sh SAMIZDAT GEN  (GEN: the event generator, test/tools/gen.c)
# Each test runs in its own temp dir and prints "ok" or why it failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SAMIZDAT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
GEN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
export SAMIZDAT GEN
pass=0 fail=0 skip=0
for t in "$here"/t-*.sh; do
	name=$(basename "$t" .sh)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-e2e.XXXXXX")
	if (cd "$tmp" && TMP=$tmp timeout 300 sh "$t") >"$tmp/log" 2>&1; then
		if grep -q '^SKIP' "$tmp/log"; then
			skip=$((skip + 1))
			echo "e2e $name: $(grep '^SKIP' "$tmp/log")"
		else
			pass=$((pass + 1))
			echo "e2e $name: ok"
		fi
		rm -rf "$tmp"
	else
		fail=$((fail + 1))
		echo "e2e $name: FAILED (log below; files kept in $tmp)"
		sed 's/^/    /' "$tmp/log" | tail -40
	fi
done
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
